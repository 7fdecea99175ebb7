"""Take the README's screenshots of the web UI into docs/screenshots/ (`make screenshots`).

Starts a server on a new SQLite database with the demo data (as `make run` does), signs in as
an admin through the form, and saves the sign-in page, the dashboard, a serial card, the serial
card with the richest trace (its pictures drawn by Graphviz), the documents list, a new receipt
with three scanned serials and that receipt posted, a recall's report, the expiring report, an
import refused for its rows, the items of the administration and a user's page, at desktop
width and at phone width (`*-phone.png`). Needs Debian's chromium and graphviz
(scripts/test-setup.sh); Playwright never downloads a browser here.
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
from itemtrace.domain.cards import Listed, ListFilter  # noqa: E402
from itemtrace.domain.tracing import TraceDirection  # noqa: E402
from itemtrace.domain.users import Role  # noqa: E402
from itemtrace.services import info_cards, tracing, users  # noqa: E402
from itemtrace.storage.engine import make_engine  # noqa: E402
from itemtrace.storage.schema import upgrade  # noqa: E402
from itemtrace.storage.unit_of_work import UnitOfWork  # noqa: E402
from itemtrace.web.urls import serial_url  # noqa: E402

NAME, PASSWORD = "admin", "screenshots-only"
CLERK = "maria"  # the user whose administration page is shown
GTIN = "4006381333931"  # DRILL-X in the demo data
SIZES = {"": {"width": 1280, "height": 900}, "-phone": {"width": 390, "height": 844}}
# An import with two bad rows (an unknown item, a negative quantity), for the row errors page.
BAD_IMPORT = "item,location,lot,quantity\nGLUE-500,WH1,L-NEW-01,10\nGLUE-5000,WH1,L-NEW-02,5\nGLUE-500,WH1,L-NEW-03,-5\n"


def richest_trace(engine: object) -> Listed:
    """The demo serial whose trace, both ways, has the most arrows (an assembly's, a shipment's)."""

    def arrows(row: Listed) -> int:
        graphs = [
            tracing.trace(UnitOfWork.for_engine(engine), row.item, serial=row.number, direction=d)  # type: ignore[arg-type]
            for d in TraceDirection
        ]
        return sum(len(g.nodes) * 10 + sum(e.kind != "moved" for e in g.edges) for g in graphs)

    return max(info_cards.list_serials(UnitOfWork.for_engine(engine), today=clock.today()), key=arrows)


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
        users.add_user(UnitOfWork.for_engine(engine), CLERK, Role.CLERK, password=PASSWORD, now=clock.now())
        serial = info_cards.list_serials(UnitOfWork.for_engine(engine), today=clock.today())[0]
        recall_id = _a_recall(engine)
        traced = richest_trace(engine)
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
                    page.goto(f"/recalls/{recall_id}")
                    page.screenshot(path=args.out / f"recall-report{suffix}.png", full_page=True)
                    page.goto("/reports/expiring?within_days=60")
                    page.screenshot(path=args.out / f"expiring-report{suffix}.png", full_page=True)
                    page.goto("/imports/new")
                    page.get_by_label("File").set_input_files(
                        {"name": "opening.csv", "mimeType": "text/csv", "buffer": BAD_IMPORT.encode()}
                    )
                    page.get_by_role("button", name="Import").click()
                    page.wait_for_selector("#job-status")
                    page.screenshot(path=args.out / f"import-errors{suffix}.png", full_page=True)
                    page.goto(serial_url(traced.item, traced.number))
                    page.wait_for_load_state("load")  # the trace pictures (<object>) too
                    page.screenshot(path=args.out / f"serial-card-trace{suffix}.png", full_page=True)
                    page.goto("/admin/items")
                    page.screenshot(path=args.out / f"admin-items{suffix}.png", full_page=True)
                    page.goto(f"/admin/users/{CLERK}")
                    page.screenshot(path=args.out / f"admin-user{suffix}.png", full_page=True)
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


def _a_recall(engine: object) -> int:
    """Recall the demo's glue lot that went to a customer (the report has all three parts)."""
    lots = info_cards.list_lots(
        UnitOfWork.for_engine(engine), ListFilter(item="GLUE-500"), today=clock.today()
    )
    shipped = next(found.number for found in lots if found.number != "L-EARLY-01")
    admin = users.get_user(UnitOfWork.for_engine(engine), NAME)
    report = tracing.recall(
        UnitOfWork.for_engine(engine),
        "GLUE-500",
        lot=shipped,
        reason="supplier reports a bad resin batch",
        user=admin,
        now=clock.now(),
    )
    return report.id


if __name__ == "__main__":
    main()
