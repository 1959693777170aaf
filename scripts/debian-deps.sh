#!/usr/bin/env bash
# Installs the Debian packages the project needs and the machine may lack: Chromium for the
# browser tests. Nothing is downloaded outside the package registries.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
  fi
fi
