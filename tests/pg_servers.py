"""Servers beside the test PostgreSQL: a streaming read replica of it, and pgbouncer in front of it.

Both run in a temporary directory on a free port of their own, as the `postgres` OS user when the
tests run as root (PostgreSQL and pgbouncer refuse to run as root), and are stopped at the end of
the session. Each says why it cannot start (`Unavailable`), so the tests skip with that reason
outside CI and fail in CI (`require`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg
import pytest

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_USER = "postgres"
SETUP = "scripts/test-setup.sh"
# Write the recovery settings (-R), stream the WAL the copy needs, checkpoint now rather than spread
# over minutes, and do not fsync a copy that lives for one test run.
BASEBACKUP = ("-R", "-X", "stream", "-c", "fast", "--no-sync")


class Unavailable(Exception):
    """The machine lacks what the server needs; the message says what to install or change."""


def require(error: Unavailable) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(str(error))
    pytest.skip(str(error))


def primary_dsn(database: str = "postgres", **extra: str) -> str:
    pairs = {"host": PG_HOST, "port": str(PG_PORT), "user": PG_USER, "dbname": database, **extra}
    return " ".join(f"{k}={v}" for k, v in pairs.items())


def free_port(start: int) -> int:
    """The first port from `start` on that nothing listens on (other test runs may hold some)."""
    for port in range(start, start + 200):
        with socket.socket() as probe:
            try:
                probe.bind((PG_HOST, port))
            except OSError:
                continue
            return port
    raise Unavailable(f"no free port in {start}..{start + 199}")


class _Workdir:
    """A temporary directory the server's OS user owns; commands run as that user."""

    def __init__(self, prefix: str) -> None:
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable(
                    "running as root and there is no `postgres` OS user to run servers as"
                ) from None
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        if self.as_root:
            os.chown(self.path, self.owner.pw_uid, self.owner.pw_gid)

    def run(self, argv: Sequence[str], *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = ["runuser", "-u", "postgres", "--", *argv] if self.as_root else list(argv)
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def write(self, name: str, text: str) -> Path:
        path = self.path / name
        path.write_text(text)
        if self.as_root:
            os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        return path

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _pg_bin(tool: str) -> str:
    """The tool of the primary's major version (Debian keeps each under /usr/lib/postgresql/N/bin)."""
    with psycopg.connect(primary_dsn(), autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    major = int(str(row[0])) // 10000 if row else 0
    path = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if path.exists():
        return str(path)
    found = shutil.which(tool)
    if found is None:
        raise Unavailable(f"{tool} of PostgreSQL {major} not found: apt-get install postgresql-{major}")
    return found


class Replica:
    """A hot standby of the test server, made with `pg_basebackup -R` and streaming from it."""

    def __init__(self) -> None:
        try:
            with psycopg.connect(primary_dsn(replication="true"), autocommit=True, connect_timeout=5) as conn:
                conn.execute("IDENTIFY_SYSTEM")
        except psycopg.OperationalError as error:
            raise Unavailable(
                f"the PostgreSQL server at {PG_HOST}:{PG_PORT} refuses replication connections "
                f"({(str(error).strip().splitlines() or [type(error).__name__])[-1]}): add `host replication all 127.0.0.1/32 trust` "
                f"to its pg_hba.conf and reload it (CI=true {SETUP} does), and check wal_level "
                "is replica and max_wal_senders > 0"
            ) from None
        basebackup, self._pg_ctl = _pg_bin("pg_basebackup"), _pg_bin("pg_ctl")
        self.dir = _Workdir("itemtrace-replica-")
        self.data = self.dir.path / "data"
        self.port = 5433
        made = self.dir.run(
            [basebackup, "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-D", str(self.data), *BASEBACKUP]
        )
        if made.returncode != 0:
            self.dir.remove()
            raise Unavailable(f"pg_basebackup failed: {made.stderr.strip()}")
        for _attempt in range(5):  # another run may take the free port first: take the next one
            self.port = free_port(self.port)
            self._configure()
            log = self.dir.path / "log"
            started = self.dir.run(
                [self._pg_ctl, "-D", str(self.data), "-l", str(log), "-w", "-t", "120", "start"]
            )
            if started.returncode == 0:
                return
            if "could not create any TCP/IP sockets" not in log.read_text(errors="replace"):
                break
            self.port += 1
        tail = log.read_text(errors="replace")[-2000:]
        self.dir.remove()
        raise Unavailable(f"the replica did not start: {started.stderr.strip()} {tail}")

    def _configure(self) -> None:
        """A hot standby needs at least the primary's limits; Debian keeps the primary's
        configuration outside its data directory, so the copy gets its own."""
        names = (
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        )
        with psycopg.connect(primary_dsn(), autocommit=True, connect_timeout=5) as conn:
            limits = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in names}  # type: ignore[index]
        settings = {
            "port": self.port,
            "listen_addresses": f"'{PG_HOST}'",
            "unix_socket_directories": f"'{self.dir.path}'",
            "hot_standby": "on",
            "shared_buffers": "'32MB'",
            "fsync": "off",
            "logging_collector": "off",
            **limits,
        }
        self.dir.write("data/postgresql.conf", "".join(f"{k} = {v}\n" for k, v in settings.items()))
        self.dir.write("data/pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self.dir.write("data/pg_ident.conf", "")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        dsn = f"host={PG_HOST} port={self.port} user={PG_USER} dbname={database}"
        return psycopg.connect(dsn, autocommit=True, connect_timeout=5)

    def catch_up(self, *, wait: float = 60) -> None:
        """Return once the replica has replayed everything the primary has written so far (a
        replica that is replaying catches up in milliseconds; `wait` bounds a broken one)."""
        with psycopg.connect(primary_dsn(), autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
        with self.connect() as replica:
            deadline = time.monotonic() + wait
            while True:
                done = replica.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target),)
                ).fetchone()[0]  # type: ignore[index]
                if done:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"the replica did not replay up to {target} within {wait} s")
                time.sleep(0.02)

    def pause(self) -> None:
        """Stop replaying: what the primary commits from now on is not seen here until `resume`."""
        with self.connect() as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        with self.connect() as replica:
            replica.execute("SELECT pg_wal_replay_resume()")

    def stop(self) -> None:
        self.dir.run([self._pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"])
        self.dir.remove()


class Bouncer:
    """pgbouncer in transaction mode in front of the test server."""

    def __init__(self, *, pool_size: int = 8) -> None:
        binary = shutil.which("pgbouncer") or (
            "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
        )
        if binary is None:
            raise Unavailable(
                f"pgbouncer is not installed: apt-get install pgbouncer (or run {SETUP} as root)"
            )
        self.port = free_port(6433)
        self.dir = _Workdir("itemtrace-pgbouncer-")
        self.dir.write("users.txt", f'"{PG_USER}" ""\n')
        config = self.dir.write(
            "pgbouncer.ini",
            "[databases]\n"
            f"* = host={PG_HOST} port={PG_PORT}\n"
            "[pgbouncer]\n"
            f"listen_addr = {PG_HOST}\n"
            f"listen_port = {self.port}\n"
            f"unix_socket_dir = {self.dir.path}\n"
            "auth_type = trust\n"
            f"auth_file = {self.dir.path / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\n"
            "max_client_conn = 200\n"
            f"logfile = {self.dir.path / 'pgbouncer.log'}\n"
            f"pidfile = {self.dir.path / 'pgbouncer.pid'}\n",
        )
        started = self.dir.run([binary, "-d", str(config)])
        if started.returncode != 0:
            self.dir.remove()
            raise Unavailable(f"pgbouncer did not start: {started.stderr.strip()}")
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    self.dsn("postgres"), autocommit=True, connect_timeout=2, prepare_threshold=None
                ):
                    break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    log = (self.dir.path / "pgbouncer.log").read_text(errors="replace")[-2000:]
                    self.stop()
                    raise Unavailable(f"pgbouncer did not answer on {self.port}: {log}") from None
                time.sleep(0.1)

    def dsn(self, database: str) -> str:
        return f"host={PG_HOST} port={self.port} user={PG_USER} dbname={database}"

    def url(self, database: str) -> str:
        """What the app is given: the pooler named, so the engine prepares nothing."""
        return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{self.port}/{database}?pooler=transaction"

    def stop(self) -> None:
        pid_file = self.dir.path / "pgbouncer.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 15)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                time.sleep(0.05)
        self.dir.remove()
