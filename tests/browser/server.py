"""A real itemtrace server for the browser tests: uvicorn in a thread, on a free port, over a
migrated SQLite file in a temporary directory."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from itemtrace.api.app import create_app
from itemtrace.config import Settings


@dataclass
class LiveServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(database_url: str) -> LiveServer:
    """Serve `database_url` (already migrated) until `stop()`; returns once the server answers."""
    app = create_app(Settings(database_url=database_url, secret_key="browser-tests"))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="itemtrace-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)
