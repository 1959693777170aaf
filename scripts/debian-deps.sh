#!/usr/bin/env bash
# Installs the Debian packages the project needs and the machine may lack: Chromium for the
# browser tests, a C compiler and SQLite's headers for the ledger's native extensions (setup.py).
# Nothing is downloaded outside the package registries.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
if ((${#need[@]})); then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
  fi
fi
