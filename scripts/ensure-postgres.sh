#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use is up at 127.0.0.1:5432 (user postgres,
# database test). On this machine kind the server is installed; if it is down we start it.
set -euo pipefail
url_ok() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if url_ok; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -n "${version}" ]; then
    pg_ctlcluster --skip-systemctl-redirect "${version}" main start || true
  fi
fi
for _ in $(seq 1 30); do url_ok && exit 0; sleep 1; done
if [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at 127.0.0.1:5432 and could not be started" >&2
  exit 1
fi
echo "note: PostgreSQL is not reachable; PostgreSQL tests will be skipped (outside CI only)" >&2
