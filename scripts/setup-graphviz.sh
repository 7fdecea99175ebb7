#!/usr/bin/env bash
# Graphviz's `dot`, which draws the trace picture on the web cards (web/trace_picture.py) as SVG.
# Run by `make test` (so by .ci/run) and `make screenshots`; `make run` does not need it: without
# `dot` a card shows the trace as a nested list only. Outside CI, a machine without apt skips it.
set -euo pipefail

if command -v dot >/dev/null 2>&1; then
    exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "setup-graphviz: installing Debian's graphviz for the trace pictures"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "setup-graphviz: installing Debian's graphviz for the trace pictures"
    sudo -n apt-get update -qq || true
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null
fi
if command -v dot >/dev/null 2>&1; then
    exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "setup-graphviz: dot is missing and could not be installed (apt-get install -y graphviz)" >&2
    exit 1
fi
echo "setup-graphviz: no dot and no apt to install it: the trace pictures' tests will be skipped" >&2
