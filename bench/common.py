"""Shared benchmark plumbing: throwaway databases per backend, timers, the results file."""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine

from itemtrace.storage.engine import make_engine
from itemtrace.storage.schema import upgrade

RESULTS = Path(__file__).parent / "results.json"
PG_SERVER = os.environ.get("ITEMTRACE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
TODAY = date(2026, 11, 23)


def now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def database(backend: str, root: Path) -> Iterator[Engine]:
    """A new migrated database of `backend`, dropped afterwards."""
    name = f"itemtrace_bench_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        url = f"sqlite:///{root / (name + '.db')}"
    else:
        with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG_SERVER}/{name}"
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if backend == "postgresql":
            with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def figure(value: float, unit: str, baseline: float) -> dict[str, Any]:
    return {
        "value": round(value, 6),
        "unit": unit,
        "baseline": round(baseline, 6),
        "ratio": round(value / baseline, 3),
    }


def report(name: str, backend: str, entry: dict[str, Any], note: str = "") -> None:
    print(
        f"{name:<22} {backend:<10} {entry['value']:>10.4f} {entry['unit']:<3} "
        f"baseline {entry['baseline']:>10.4f} {entry['unit']:<3} ratio {entry['ratio']:>7.2f}  {note}",
        flush=True,
    )


def save(results: dict[str, dict[str, Any]]) -> None:
    existing: dict[str, Any] = {}
    if RESULTS.exists():
        existing = json.loads(RESULTS.read_text())
    for name, by_backend in results.items():
        existing.setdefault(name, {}).update(by_backend)
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")


def driver_timings(engine: Engine, statements: Sequence[str], runs: Iterable[tuple[Any, ...]]) -> list[float]:
    """The bare driver's time for each run (every statement with that run's parameters), in ms:
    the baseline beside a read. Statements write `{m}` where the driver's placeholder goes."""
    marker = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = [statement.format(m=marker) for statement in statements]
    connection = engine.raw_connection()
    samples = []
    try:
        cursor = connection.cursor()
        for params in runs:
            start = time.perf_counter()
            for statement in sql:
                cursor.execute(statement, params)
                cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
        connection.rollback()
    finally:
        connection.close()
    return samples


def call_timings(work: Callable[[], Any], calls: int, *, warm: int = 10) -> list[float]:
    """Each call's time in ms, after `warm` calls that fill the same caches the baseline's do."""
    for _ in range(warm):
        work()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return samples
