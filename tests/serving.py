"""Start the real `digisom serve` as a child process, for end-to-end tests."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

START_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db_url: str, port: int, log: Path, extra: list[str]
) -> tuple[subprocess.Popen[str], str | None]:
    """Start `digisom serve`; return the process and the admin key it printed (first start).

    What the server prints before it serves is appended to `log`, beside its standard error.
    """
    command = [
        sys.executable,
        "-c",
        "from digisom.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        db_url,
        *extra,
    ]
    env = {**os.environ, "DIGISOM_EXPIRY_INTERVAL_S": "0"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log.open("a"), text=True, env=env
    )
    key = None
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    for line in process.stdout:
        with log.open("a") as out:
            out.write(line)
        if line.strip().startswith("dsk_"):
            key = line.strip()
        if "serving" in line:
            break
        assert time.monotonic() < deadline, "server did not start"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}; see {log}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1.0)
            return process, key
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"server did not answer; see {log}")
