#!/usr/bin/env bash
# Creates .venv and installs the Python dependencies exactly as pinned (with hashes) in
# requirements.lock, then the digisom package itself in editable mode.
set -euo pipefail
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "${python}" -m venv .venv
quiet() { "$@" 2>&1 | { grep -v 'is ignored: it is neither' || true; }; }
quiet .venv/bin/python -m pip install --quiet --upgrade pip
quiet .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
quiet .venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -c 'import digisom.ledger._engine, digisom.storage._sqlite_batch' # fail here, not later
