#!/usr/bin/env bash
# Debian's chromium for the browser tests (tests/browser), which Playwright launches by its path.
# Playwright never downloads a browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 in the Makefile).
# Run by `make test`. Outside CI, a machine without apt only skips the browser tests.
set -euo pipefail

CHROMIUM="${ITEMTRACE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "setup-browser: installing Debian's chromium for the browser tests"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "setup-browser: installing Debian's chromium for the browser tests"
    sudo -n apt-get update -qq || true
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "setup-browser: $CHROMIUM is missing and could not be installed (apt-get install -y chromium)" >&2
    exit 1
fi
echo "setup-browser: no $CHROMIUM and no apt to install it: the browser tests will be skipped" >&2
