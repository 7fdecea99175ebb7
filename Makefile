# itemtrace — `make` alone lists the targets (the `## ` comments below).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: the runtime alone (make run) and the runtime with the dev tools (test, lint, bench).
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
# Every install takes its versions from constraints.txt (make lock regenerates it).
CONSTRAINTS := constraints.txt
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c $(CONSTRAINTS)
PYTEST_ARGS ?=
# Playwright drives Debian's chromium (scripts/test-setup.sh); it must never fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
BENCH_ARGS ?=
SCALE_ARGS ?= --entries 100m

.DEFAULT_GOAL := help
.PHONY: help venv run test lint fmt bench bench-scale lock clean screenshots

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make TARGET\n\nTargets:\n"} \
		/^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@printf "\nVariables: PYTHON=%s PORT=%s PYTEST_ARGS=... BENCH_ARGS=...\n" "$(PYTHON)" "$${PORT:-8000}"

# The stamps are rewritten after each install, so editing pyproject.toml or constraints.txt re-installs.
$(RUNTIME): pyproject.toml $(CONSTRAINTS) scripts/setup-web-assets.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	scripts/setup-web-assets.sh
	touch $@

$(STAMP): pyproject.toml $(CONSTRAINTS) scripts/setup-web-assets.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[dev]'
	scripts/setup-web-assets.sh
	touch $(RUNTIME) $@

venv: $(STAMP) ## Create .venv and install itemtrace with its dev tools (re-run when pyproject.toml changes)

# `--print-admin-token` and `--print-admin-password` give the user admin a NEW token and password on
# every run: the ones printed before stop working.
run: $(RUNTIME) ## Create the schema, load demo data if empty, serve on 127.0.0.1:$PORT (8000) with a new admin token and password
	scripts/setup-web-assets.sh
	$(BIN)/itemtrace init
	$(BIN)/itemtrace demo --if-empty
	$(BIN)/itemtrace serve --host 127.0.0.1 --port $${PORT:-8000} --print-admin-token --print-admin-password

test: $(STAMP) ## Run the tests on SQLite and PostgreSQL, and the browser tests on chromium (PYTEST_ARGS=... to pass more)
	scripts/test-setup.sh
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

lint: $(STAMP) ## Check style, formatting and types (ruff, ruff format --check, mypy)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

fmt: $(STAMP) ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

screenshots: $(STAMP) ## Retake docs/screenshots/*.png of the web UI (needs chromium and graphviz: scripts/test-setup.sh)
	scripts/test-setup.sh
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP) ## Run every benchmark and write bench/results.json (BENCH_ARGS=...; the HTTP ones need wrk)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-scale: $(STAMP) ## Generate (or resume) the scale data set on PostgreSQL and measure it (SCALE_ARGS=--entries 10m; hours at 100m)
	$(BIN)/python -m bench.scale $(SCALE_ARGS)

# A fresh virtualenv with the newest versions pyproject.toml allows, frozen: commit the result.
lock: ## Regenerate constraints.txt from a fresh install of itemtrace and its dev tools
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --disable-pip-version-check -q '.[dev]'
	{ echo "# Every version make installs (runtime and dev tools): regenerate with make lock."; \
	  echo "# Generated with $$(.lock-venv/bin/python --version) on $$(date -u +%Y-%m-%d)."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -i -E '^(itemtrace|pip|setuptools|wheel)[ =@]'; \
	} > $(CONSTRAINTS)
	rm -rf .lock-venv build src/*.egg-info

clean: ## Remove .venv, caches, build output and the local itemtrace.db
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	rm -f itemtrace.db itemtrace.db-*
