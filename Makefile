# Two entry points, as the README says: `make run` and `make test`.
# Each installs what is missing first (Python deps from the lock file, npm packages from
# contracts/package-lock.json, Debian packages the browser tests need), then does its job.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NATIVE := setup.py $(wildcard src/digisom/_native/*.c src/digisom/_native/*.h)
PY_STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml $(NATIVE) | sha256sum | cut -c1-16)
NPM_STAMP := contracts/node_modules/.installed-$(shell cat contracts/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)

.PHONY: run test deps lint typecheck pytest postgres npm-deps debian-deps clean

deps: debian-deps $(PY_STAMP) npm-deps

# The Debian packages come first: the ledger's native extensions build against SQLite's headers.
$(PY_STAMP): requirements.lock pyproject.toml $(NATIVE)
	@bash scripts/debian-deps.sh
	@bash scripts/install-python.sh
	@rm -f $(VENV)/.installed-*
	@touch $@

npm-deps:
	@if [ -f contracts/package-lock.json ] && [ ! -f $(NPM_STAMP) ]; then \
		(cd contracts && npm ci --no-audit --no-fund --loglevel=error) && \
		rm -f contracts/node_modules/.installed-* && touch $(NPM_STAMP); \
	fi

debian-deps:
	@bash scripts/debian-deps.sh

postgres:
	@bash scripts/ensure-postgres.sh

run: deps
	$(BIN)/digisom demo --if-empty
	$(BIN)/digisom serve

lint: $(PY_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(PY_STAMP)
	$(BIN)/mypy

pytest: $(PY_STAMP) postgres
	$(BIN)/python -m pytest -q

test: deps lint typecheck pytest

clean:
	rm -rf $(VENV) contracts/node_modules digisom-data
