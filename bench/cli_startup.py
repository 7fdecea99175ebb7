"""`cli_startup`: whole-process wall time of `itemtrace --help`, `--version` and a serial card lookup.

Each is started as a new process (`python -m itemtrace …`, start-up and exit included), in turn
with the baseline `python -c pass` so that a machine whose speed drifts moves both alike. The
card lookup reads one serial's card from a small SQLite database (the demo data), so its figure
is the CLI's start-up plus one short query. Figures are medians in seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import figure, median, report

RUNS = 21
QUICK_RUNS = 7
BASELINE = [sys.executable, "-c", "pass"]
ITEMTRACE = [sys.executable, "-m", "itemtrace"]
CASES = {
    "cli_help": ["--help"],
    "cli_version": ["--version"],
    "cli_serial_card": ["serial", "show", "DRILL-X", "S/N-Vend0001"],
}


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def paired(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Medians of `command` and of the baseline, run A B A B … after one warm-up each."""
    wall(command, env)
    wall(BASELINE, env)
    ours, base = [], []
    for _ in range(runs):
        ours.append(wall(command, env))
        base.append(wall(BASELINE, env))
    return median(ours), median(base)


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    env = {**os.environ, "ITEMTRACE_DATABASE_URL": f"sqlite:///{root / 'cli-startup.db'}"}
    subprocess.run([*ITEMTRACE, "demo", "--json"], env=env, stdout=subprocess.DEVNULL, check=True)
    results: dict[str, dict[str, Any]] = {}
    for name, args in CASES.items():
        value, baseline = paired([*ITEMTRACE, *args], env, QUICK_RUNS if quick else RUNS)
        entry = figure(value, "s", baseline)
        entry["command"] = " ".join(["itemtrace", *args])
        report(name, "sqlite", entry, f"({entry['command']}; baseline: python -c pass)")
        results[name] = {"sqlite": entry}
    return results
