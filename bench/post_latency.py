"""`post_latency`: one client posts one-line receipts (one new serial) one after another.

The client is `http.client` on one persistent connection; the figure is the round trip per
post, p50 (and p99) over 500 posts in ms, so it includes the loopback and the client's own
time (a fraction of a millisecond). `itemtrace serve` runs with one worker.

Baseline: the same rows (document, line, ledger row, balance upsert) written by bare psycopg,
INSERTs + COMMIT, one transaction after another. `ratio` = value / baseline (lower is better).
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import database, percentile, report
from bench.http_post import RawPoster, conninfo, ids, setup
from bench.server import Server, Skipped, database_url, machine_load, serve, skipped
from itemtrace.storage.unit_of_work import UnitOfWork

POSTS = 500
WARMUP = 50


def body(serial: str) -> bytes:
    line = {"item": "DRILL", "quantity": 1, "to_location": "WH1", "tracking": [{"serial": serial}]}
    return json.dumps({"type": "receipt", "lines": [line]}).encode()


def post_all(server: Server, prefix: str, count: int) -> tuple[list[float], list[str]]:
    """Round trips in ms, and the answers that were not 2xx."""
    address = urlsplit(server.base)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    samples: list[float] = []
    failed: list[str] = []
    try:
        for n in range(count):
            payload = body(f"{prefix}{n:06d}")
            started = time.perf_counter()
            connection.request("POST", "/api/v1/documents?post=true", payload, headers)
            answer = connection.getresponse()
            data = answer.read()
            samples.append((time.perf_counter() - started) * 1000)
            if not 200 <= answer.status < 300:
                failed.append(f"{answer.status} {data[:300]!r}")
    finally:
        connection.close()
    return samples, failed


def run(backend: str, root: Path, *, count: int) -> dict[str, Any]:
    with database(backend, root) as engine:
        setup(UnitOfWork.for_engine(engine))
        load_before = machine_load()
        with serve(database_url(engine), root, workers=1) as server:
            post_all(server, "W", WARMUP)
            ours, failed = post_all(server, "S", count)
        load_after = machine_load()
        poster = RawPoster(conninfo(engine), ids(engine), "RAWLAT")
        try:
            raw: list[float] = []
            for n in range(WARMUP + count):
                started = time.perf_counter()
                poster.post("receipt", "DRILL", [(f"RAWLAT{n:06d}", "")], 1)
                if n >= WARMUP:
                    raw.append((time.perf_counter() - started) * 1000)
        finally:
            poster.close()
    return {
        "value": round(percentile(ours, 50), 3),
        "unit": "ms",
        "baseline": round(percentile(raw, 50), 3),
        "ratio": round(percentile(ours, 50) / percentile(raw, 50), 2),
        "p99": round(percentile(ours, 99), 3),
        "p99_baseline": round(percentile(raw, 99), 3),
        "posts": count,
        "non2xx": len(failed),
        "first_error": failed[0] if failed else "",
        "load": [load_before, load_after],
        "measured_on": date.today().isoformat(),
    }


def main(backends: list[str], root: Path, *, quick: bool = False, **_: Any) -> dict[str, dict[str, Any]]:
    count = 200 if quick else POSTS
    results: dict[str, Any] = {}
    for backend in backends:
        try:
            result = run(backend, root, count=count)
        except Skipped as why:
            skipped("post_latency", backend, why)
            continue
        report("post_latency p50", backend, result, f"(round trip incl. loopback; {count} posts, 1 client)")
        print(
            f"  p99 {result['p99']:.2f} ms (bare {result['p99_baseline']:.2f} ms); "
            f"load (1/5/15 min) before, after: {'; '.join(result['load'])}",
            flush=True,
        )
        if result["non2xx"]:
            print(f"  !!! ERRORS: {result['non2xx']} posts answered non-2xx; first: {result['first_error']}")
        results[backend] = result
    return {"post_latency": results} if results else {}
