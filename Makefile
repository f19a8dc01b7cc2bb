# pmo: `make demo` sets up and runs the app with a demo portfolio; `make test` sets up and
# runs the whole test suite. Both work on a clean clone (Python 3.12+, Node.js and npm).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6.1 needs Python 3.12+: take the first interpreter that really runs and is new
# enough (a pyenv shim for a version that is not selected fails the check and is skipped).
PYTHON ?= $(shell for c in python3.12 python3.13 python3.14 $(HOME)/.pyenv/versions/3.1[2-4]*/bin/python3 /usr/local/bin/python3.12 /usr/bin/python3.12 python3; do \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; break; }; done)
PORT ?= 8000
SCALE ?= 24
PYTEST_ARGS ?=

.PHONY: demo test lint format setup setup-test browser clean benchmarks-quick

demo: setup
	$(BIN)/pmo demo --port $(PORT) --scale $(SCALE)

test: setup-test browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: $(VENV)/.installed-app node_modules/.installed

setup-test: $(VENV)/.installed-test node_modules/.installed

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "pmo needs Python 3.12 or newer (for Django 6.1); none found." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-app

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests need Debian's Chromium. Installed here when we may (root with apt-get);
# otherwise they skip with a message, except in CI where PMO_REQUIRE_BROWSER=1 fails them.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium) ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "Could not install Chromium; browser tests will skip."; \
	fi

benchmarks-quick: setup-test
	@for script in benchmarks/*.py; do echo "== $$script --quick"; $(BIN)/python $$script --quick || exit 1; done

clean:
	rm -rf $(VENV) node_modules var test-artifacts .pytest_cache .ruff_cache
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
