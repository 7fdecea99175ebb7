"""Plumbing for the HTTP benchmarks: `itemtrace serve` as a subprocess, `wrk` as the load
generator, the bare-driver baseline run in processes, and the machine's load beside each figure.

The load comes from `wrk` (Debian's package, compiled, LuaJIT scripts) and not from a Python
client: on this 2-core machine a Python client would measure itself. `wrk/itemtrace.lua` makes
every request unique and counts the answers that are not 2xx.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.queues
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

WRK_SCRIPT = Path(__file__).parent / "wrk" / "itemtrace.lua"
WRK_MISSING = (
    "wrk is not installed: it is Debian's compiled HTTP load generator, install it with "
    "`apt-get install -y wrk` (as root) and run the benchmark again"
)
HEALTH_SECONDS = 5
WARMUP_SECONDS = 2


class Skipped(Exception):
    """A benchmark that cannot run here (the reason is printed, nothing is recorded)."""


def skipped(name: str, backend: str, why: object) -> None:
    print(f"{name:<22} {backend:<10} skipped: {why}", flush=True)


def machine_load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them (other work on the machine)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise Skipped(WRK_MISSING)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def itemtrace(url: str, *args: str) -> str:
    """Run the `itemtrace` command line on the database at `url`; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "itemtrace", *args],
        env={**os.environ, "ITEMTRACE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"itemtrace {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT
    token: str  # a clerk's API token
    log: Path
    workers: int


@contextmanager
def serve(url: str, root: Path, *, workers: int) -> Iterator[Server]:
    """`itemtrace serve --workers N` on a free port against the database at `url`, with a clerk's
    token from `itemtrace users add`; stopped (SIGTERM to the process group it leads) afterwards."""
    token = itemtrace(url, "users", "add", f"bench{os.getpid()}", "--role", "clerk").strip().splitlines()[-1]
    port = free_port()
    log = root / f"serve-{port}.log"
    with log.open("w") as out:
        command = [sys.executable, "-m", "itemtrace", "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env={**os.environ, "ITEMTRACE_DATABASE_URL": url},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with it
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield Server(base, token, log, workers)
    finally:
        _stop(process)


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"itemtrace serve exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"itemtrace serve did not answer within 60 s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class WrkRun:
    """What `wrk/itemtrace.lua` reports for one run (latencies in ms, over every request)."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    counts: dict[str, int] = field(default_factory=dict)
    first_error: str = ""

    @property
    def ok(self) -> int:
        return self.requests - self.non2xx

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds

    def errors(self) -> str:
        """'' when every request got a 2xx answer; otherwise a loud line saying what went wrong."""
        if not self.non2xx and not self.socket_errors:
            return ""
        said = (
            f"!!! {self.non2xx} of {self.requests} answers were not 2xx, {self.socket_errors} socket errors"
        )
        return said + (f"; first: {self.first_error}" if self.first_error else "")


def wrk(
    server: Server,
    mode: str,
    *,
    seconds: float,
    connections: int,
    args: list[str] | None = None,
    token: bool = True,
) -> WrkRun:
    """Run `wrk` with `wrk/itemtrace.lua` in `mode` (health, post, card) against the server."""
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = [
        wrk_binary(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
        server.base,
        "--",
        mode,
        server.token if token else "-",
        *(args or []),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    report = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not report:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    found = json.loads(report[-1].removeprefix("BENCH "))
    first = [
        line.removeprefix("BENCH_ERROR ")
        for line in done.stdout.splitlines()
        if line.startswith("BENCH_ERROR ")
    ]
    return WrkRun(
        requests=found["requests"],
        seconds=found["duration_us"] / 1e6,
        p50_ms=found["p50_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        mean_ms=found["mean_us"] / 1000,
        max_ms=found["max_us"] / 1000,
        non2xx=found["non2xx"],
        socket_errors=found["socket_errors"],
        counts={k: int(v) for k, v in found.get("counts", {}).items()},
        first_error=first[0] if first else "",
    )


@dataclass
class RawRun:
    """The bare-driver baseline: transactions done by `processes` processes for `seconds`."""

    done: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.done / self.seconds


Step = tuple[Callable[[], None], Callable[[], None]]  # (one transaction, close)


def raw_concurrent(
    opener: Callable[[int, dict[str, Any]], Step],
    *,
    processes: int,
    seconds: float,
    params: dict[str, Any],
    engine: Engine,
) -> RawRun:
    """Run `processes` processes (not threads: threads would measure the GIL) that each open
    `opener(index, params)` (a connection, prepared), wait until all have, and then repeat its
    step for `seconds`, timing each.

    The processes are forked (a spawned one would import every benchmark again, which on a busy
    2-core machine takes longer than the run); `engine`'s pooled connections are closed first so
    that no child inherits one.
    """
    engine.dispose()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(processes + 1)
    results: multiprocessing.queues.Queue[tuple[float, float, list[float]] | str] = context.Queue()
    children = [
        context.Process(target=_repeat, args=(opener, i, params, start, seconds, results), daemon=True)
        for i in range(processes)
    ]
    for child in children:
        child.start()
    with suppress(threading.BrokenBarrierError):  # a child could not connect: it says why below
        start.wait(timeout=120)
    found = [results.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join(timeout=30)
    failed = [f for f in found if isinstance(f, str)]
    if failed:
        raise RuntimeError(f"{len(failed)} baseline processes failed; first: {failed[0]}")
    runs = [f for f in found if not isinstance(f, str)]
    latencies = [ms for _, _, run in runs for ms in run]
    elapsed = max(end for _, end, _ in runs) - min(begin for begin, _, _ in runs)
    return RawRun(len(latencies), elapsed, latencies)


def _repeat(
    opener: Callable[[int, dict[str, Any]], Step],
    index: int,
    params: dict[str, Any],
    start: Any,
    seconds: float,
    results: Any,
) -> None:
    try:
        step, close = opener(index, params)
    except Exception as error:
        start.abort()
        results.put(f"{type(error).__name__}: {error}")
        return
    latencies: list[float] = []
    try:
        start.wait(timeout=120)
        begin = time.time()
        deadline = begin + seconds
        while time.time() < deadline:
            started = time.perf_counter()
            step()
            latencies.append((time.perf_counter() - started) * 1000)
        results.put((begin, time.time(), latencies))
    except Exception as error:
        results.put(f"{type(error).__name__}: {error}")
    finally:
        close()
