#!/usr/bin/env bash
# What the replica and pgbouncer tests (and the HTTP benches) need from the machine, made ready
# where this script may do it. Called by .ci/run and by `make test`; safe to run again.
#
#   - Debian packages: pgbouncer (tests/integration/test_pgbouncer.py), wrk (bench/http_*.py),
#     installed with apt-get when missing, and only as root (no sudo prompt in a build).
#   - With CI=true: the local PostgreSQL cluster at 127.0.0.1:5432 lets 127.0.0.1 open
#     replication connections (pg_basebackup, for tests/integration/test_replica.py), by one
#     `host replication all 127.0.0.1/32 trust` line in its pg_hba.conf and a reload (no restart:
#     sessions carry on). Outside CI a developer's server is left as it is; the replica tests then
#     skip and say which line to add.
set -uo pipefail

missing=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-setup: installing ${missing[*]} (Debian packages)"
        # Installing pgbouncer must not start Debian's own pgbouncer service on 6432.
        export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
        apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } ||
            echo "test-setup: could not install ${missing[*]}; their tests skip (fail with CI=true)" >&2
    else
        echo "test-setup: ${missing[*]} missing and not root: apt-get install ${missing[*]}" >&2
    fi
fi

if [ "${CI:-}" = "true" ] && command -v psql >/dev/null 2>&1; then
    hba="$(psql -h 127.0.0.1 -p 5432 -U postgres -Atc 'SHOW hba_file' 2>/dev/null || true)"
    line="host replication all 127.0.0.1/32 trust"
    if [ -n "$hba" ] && [ -w "$hba" ] && ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
        echo "test-setup: letting 127.0.0.1 open replication connections ($hba)"
        printf '\n# itemtrace tests: pg_basebackup of a read replica (scripts/test-setup.sh)\n%s\n' "$line" >>"$hba"
        psql -h 127.0.0.1 -p 5432 -U postgres -Atc 'SELECT pg_reload_conf()' >/dev/null
    fi
fi
exit 0
