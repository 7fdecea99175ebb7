"""Take the README's screenshots of the web UI into docs/screenshots/ (`make screenshots`).

Starts a server on a new SQLite database with the demo data (as `make run` does), signs in as
an admin through the form, and saves the sign-in page, the dashboard, a serial card, the
documents list, a new receipt with three scanned serials and that receipt posted, at desktop
width and at phone width (`*-phone.png`). Needs Debian's chromium
(scripts/setup-browser.sh); Playwright never downloads a browser here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.browser.server: the same live server the browser tests use

from tests.browser.server import start  # noqa: E402

from itemtrace.api import clock  # noqa: E402
from itemtrace.demo import load_demo  # noqa: E402
from itemtrace.domain.users import Role  # noqa: E402
from itemtrace.services import info_cards, users  # noqa: E402
from itemtrace.storage.engine import make_engine  # noqa: E402
from itemtrace.storage.schema import upgrade  # noqa: E402
from itemtrace.storage.unit_of_work import UnitOfWork  # noqa: E402

NAME, PASSWORD = "admin", "screenshots-only"
GTIN = "4006381333931"  # DRILL-X in the demo data
SIZES = {"": {"width": 1280, "height": 900}, "-phone": {"width": 390, "height": 844}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default=os.environ.get("ITEMTRACE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'itemtrace.db'}"
        engine = make_engine(url)
        upgrade(engine)
        load_demo(UnitOfWork.for_engine(engine), today=clock.today(), now=clock.now())
        users.add_user(UnitOfWork.for_engine(engine), NAME, Role.ADMIN, password=PASSWORD, now=clock.now())
        serial = info_cards.list_serials(UnitOfWork.for_engine(engine), today=clock.today())[0]
        server = start(url)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                for suffix, size in SIZES.items():
                    page = browser.new_context(base_url=server.base_url, viewport=size).new_page()
                    page.goto("/login")
                    page.screenshot(path=args.out / f"login{suffix}.png", full_page=True)
                    page.get_by_label("User name").fill(NAME)
                    page.get_by_label("Password").fill(PASSWORD)
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url(server.base_url + "/")
                    page.screenshot(path=args.out / f"dashboard{suffix}.png", full_page=True)
                    page.get_by_label("Scan or search").fill(serial.number)
                    page.keyboard.press("Enter")
                    page.wait_for_selector(".status-line")
                    page.screenshot(path=args.out / f"serial-card{suffix}.png", full_page=True)
                    page.goto("/documents")
                    page.screenshot(path=args.out / f"documents{suffix}.png", full_page=True)
                    receipt(page, suffix)
                    page.screenshot(path=args.out / f"receipt-new{suffix}.png", full_page=True)
                    page.get_by_role("button", name="Post").click()
                    page.wait_for_selector("h1 .badge-posted")
                    page.screenshot(path=args.out / f"receipt-posted{suffix}.png", full_page=True)
                    page.context.close()
                browser.close()
        finally:
            server.stop()
            engine.dispose()
    for shot in sorted(args.out.glob("*.png")):
        print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)


def receipt(page: Any, suffix: str) -> None:
    """A new receipt of three DRILL-X serials, scanned as GS1 DataMatrix codes (GTIN + serial)."""
    page.goto("/documents/new?type=receipt")
    page.get_by_label("Partner").fill("ACME-SUPPLY")
    page.get_by_label("To location").fill("WH1")
    for n in range(1, 4):
        box = page.get_by_label("Scan (line 1)")
        box.fill(f"]d2010{GTIN}21SHOT{suffix.upper().strip('-')}-{n:03d}")
        box.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('#line-1 .tracking-line').length === {n}")


if __name__ == "__main__":
    main()
