#!/usr/bin/env bash
# What the tests (and the HTTP benches) need from the machine, made ready where this script may
# do it. Called by .ci/run, `make test` and `make screenshots`; safe to run again.
#
#   - Debian packages, installed with one apt-get when missing (as root, or with sudo -n):
#       chromium   the browser tests (tests/browser), which Playwright launches by its path and
#                  never downloads a browser for (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1);
#       graphviz   `dot`, which draws the trace pictures of the web cards (web/trace_picture.py);
#       pgbouncer  tests/integration/test_pgbouncer.py (Debian's own pgbouncer service is not started);
#       wrk        the HTTP benches (bench/http_*.py).
#   - With CI=true: the local PostgreSQL cluster at 127.0.0.1:5432 lets 127.0.0.1 open
#     replication connections (pg_basebackup, for tests/api/test_replica.py), by one
#     `host replication all 127.0.0.1/32 trust` line in its pg_hba.conf and a reload (no restart:
#     sessions carry on). Outside CI a developer's server is left as it is.
#
# Outside CI a package that cannot be installed only makes its tests skip, saying why; with
# CI=true a missing chromium or graphviz fails the run here, and the other tests fail themselves.
set -uo pipefail

CHROMIUM="${ITEMTRACE_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        sudo=(none)
    fi
    if [ "${sudo[0]:-}" != none ] && command -v apt-get >/dev/null 2>&1; then
        echo "test-setup: installing ${missing[*]} (Debian packages)"
        # RUNLEVEL=1: installing pgbouncer must not start Debian's own pgbouncer service on 6432.
        install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
            apt-get install -y -q --no-install-recommends "${missing[@]}")
        "${install[@]}" >/dev/null 2>&1 ||
            { "${sudo[@]}" apt-get update -q >/dev/null 2>&1 && "${install[@]}" >/dev/null 2>&1; } ||
            echo "test-setup: could not install ${missing[*]}; their tests skip (fail with CI=true)" >&2
    else
        echo "test-setup: ${missing[*]} missing and no apt-get as root: apt-get install ${missing[*]}" >&2
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

if [ "${CI:-}" = "true" ]; then
    failed=0
    [ -x "$CHROMIUM" ] || { echo "test-setup: $CHROMIUM is missing (apt-get install chromium)" >&2; failed=1; }
    command -v dot >/dev/null 2>&1 || { echo "test-setup: dot is missing (apt-get install graphviz)" >&2; failed=1; }
    exit "$failed"
fi
exit 0
