#!/usr/bin/env bash
# htmx for the web UI, from the npm registry (never committed): one pinned file into
# src/itemtrace/web/static/vendor/, which git ignores. Run by `make venv` and `make run`.
# Without it the pages still work (plain forms and links); only the enhancements are missing.
set -euo pipefail

HTMX_VERSION="2.0.11"
cd "$(dirname "$0")/.."
target="src/itemtrace/web/static/vendor"
stamp="$target/htmx-$HTMX_VERSION.stamp"

if [ -f "$stamp" ] && [ -f "$target/htmx.min.js" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "setup-web-assets: npm is needed to fetch htmx@$HTMX_VERSION (apt-get install -y npm)" >&2
        exit 1
    fi
    echo "setup-web-assets: npm not found: the web UI runs without htmx (install npm and re-run make venv)" >&2
    exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$HTMX_VERSION" >/dev/null)
tar -xzf "$work"/htmx.org-"$HTMX_VERSION".tgz -C "$work" package/dist/htmx.min.js package/LICENSE
mkdir -p "$target"
rm -f "$target"/htmx-*.stamp
cp "$work/package/dist/htmx.min.js" "$target/htmx.min.js"
cp "$work/package/LICENSE" "$target/htmx.LICENSE"
touch "$stamp"
echo "setup-web-assets: htmx $HTMX_VERSION in $target"
