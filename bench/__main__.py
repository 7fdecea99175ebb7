"""`python -m bench [--backend sqlite|postgresql] [--only NAME] [--quick]`: run, print, write results.json."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import cli_startup, common, genealogy, receipt_10k_serials, serial_card

BENCHMARKS = {"receipt_10k_serials": receipt_10k_serials.main, "serial_card": serial_card.main}
# One module may contribute several names (it generates its data set once for all of them).
GROUPS = {
    **dict.fromkeys(genealogy.NAMES, genealogy.main),
    **dict.fromkeys(cli_startup.CASES, cli_startup.main),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--only", action="append", choices=sorted({*BENCHMARKS, *GROUPS}))
    parser.add_argument("--quick", action="store_true", help="smaller data sets (for a smoke run)")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    with tempfile.TemporaryDirectory(prefix="itemtrace-bench-") as root:
        ran: set[object] = set()
        for name in args.only or [*BENCHMARKS, *GROUPS]:
            run = BENCHMARKS.get(name) or GROUPS[name]
            if run in ran:  # a group runs once, whichever of its names were asked for
                continue
            ran.add(run)
            common.save(run(backends, Path(root), quick=args.quick))
    print(f"results written to {common.RESULTS}")


if __name__ == "__main__":
    main()
