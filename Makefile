# itemtrace — `make` alone lists the targets (the `## ` comments below).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test lint fmt bench clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make TARGET\n\nTargets:\n"} \
		/^[a-zA-Z_-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@printf "\nVariables: PYTHON=%s PORT=%s PYTEST_ARGS=... BENCH_ARGS=...\n" "$(PYTHON)" "$${PORT:-8000}"

# The stamp is rewritten after each install, so editing pyproject.toml re-installs.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	touch $@

venv: $(STAMP) ## Create .venv and install itemtrace with its dev tools (re-run when pyproject.toml changes)

run: $(STAMP) ## Create the schema, load demo data into an empty database, serve on 127.0.0.1:$PORT (8000)
	$(BIN)/itemtrace init
	$(BIN)/itemtrace demo --if-empty
	$(BIN)/itemtrace serve --host 127.0.0.1 --port $${PORT:-8000} --print-admin-token

test: $(STAMP) ## Run the tests on SQLite and PostgreSQL (PYTEST_ARGS=... to pass more)
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

lint: $(STAMP) ## Check style, formatting and types (ruff, ruff format --check, mypy)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: $(STAMP) ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP) ## Run every benchmark and write bench/results.json (BENCH_ARGS=...; the HTTP ones need wrk)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean: ## Remove .venv, caches, build output and the local itemtrace.db
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	rm -f itemtrace.db itemtrace.db-*
