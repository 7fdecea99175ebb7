"""axe-core in the browser tests: `assert_accessible(page)` after a page has loaded.

The axe-core script ships inside the `axe-playwright-python` package (no download at test
time). Serious and critical violations fail the test, with axe's own description of each.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

FAILING = frozenset({"serious", "critical"})
_axe = Axe()


def violations(page: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _axe.run(page).response["violations"]
    return [v for v in found if v.get("impact") in FAILING]


def assert_accessible(page: Any) -> None:
    bad = violations(page)
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe-core found on {page.url}:\n{report}"
