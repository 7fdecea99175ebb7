"""`python -m bench [--backend sqlite|postgresql] [--only NAME] [--quick]`: run, print, write results.json.

The HTTP benchmarks (http_post, http_card, post_latency) also take --seconds, --connections and
--workers; they need `wrk` (`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import (
    cli_startup,
    common,
    count_10k,
    epcis_export,
    genealogy,
    http_card,
    http_post,
    import_1m_serials,
    picking,
    post_latency,
    receipt_10k_serials,
    reclass_lot_100k,
    report_expiring,
    serial_card,
    ui_pages,
    warehouse_availability,
)

BENCHMARKS: dict[str, Callable[..., dict[str, dict[str, Any]]]] = {
    "receipt_10k_serials": receipt_10k_serials.main,
    "count_10k": count_10k.main,
    "serial_card": serial_card.main,
    "http_post": http_post.main,
    "http_card": http_card.main,
    "post_latency": post_latency.main,
    "report_expiring": report_expiring.main,
    "reclass_lot_100k": reclass_lot_100k.main,
    "warehouse_availability": warehouse_availability.main,
    "epcis_export": epcis_export.main,
}
# One module may contribute several names (it generates its data set once for all of them).
GROUPS = {
    **dict.fromkeys(genealogy.NAMES, genealogy.main),
    **dict.fromkeys(cli_startup.CASES, cli_startup.main),
    **dict.fromkeys(picking.NAMES, picking.main),
    **dict.fromkeys(("import_1m_serials", "export_ledger_1m"), import_1m_serials.main),
    **dict.fromkeys(ui_pages.NAMES, ui_pages.main),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--only", action="append", choices=sorted({*BENCHMARKS, *GROUPS}))
    parser.add_argument("--quick", action="store_true", help="smaller data sets (for a smoke run)")
    http = parser.add_argument_group("HTTP benchmarks")
    http.add_argument("--seconds", type=float, help="how long each load runs (default 15, --quick 5)")
    http.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    http.add_argument("--workers", type=int, default=2, help="`itemtrace serve --workers N` (default 2)")
    http.add_argument(
        "--pgbouncer",
        metavar="HOST:PORT",
        help="http_post on PostgreSQL also through this pgbouncer (transaction mode, in front of the "
        "bench's server), recorded as http_post_pgbouncer (docs/scaling.md)",
    )
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    options = {
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "pgbouncer": args.pgbouncer,
    }
    with tempfile.TemporaryDirectory(prefix="itemtrace-bench-") as root:
        ran: set[object] = set()
        for name in args.only or [*BENCHMARKS, *GROUPS]:
            run = BENCHMARKS.get(name) or GROUPS[name]
            if run in ran:  # a group runs once, whichever of its names were asked for
                continue
            ran.add(run)
            common.save(run(backends, Path(root), quick=args.quick, **options))
    print(f"results written to {common.RESULTS}")


if __name__ == "__main__":
    main()
