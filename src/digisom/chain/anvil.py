"""Start and stop a local anvil node from the pinned npm package, with its state kept on disk.

The binary comes from `contracts/node_modules/@foundry-rs/anvil-<os>-<arch>`, installed by
`npm ci` from the lock file, so the node is the exact version the tests ran against. anvil is run
directly rather than through the package's node wrapper, so that signals reach it and it can dump
its state on shutdown. Every wait has a deadline (see `digisom.chain.limits`).
"""

import os
import platform
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

from digisom.chain.limits import (
    ANVIL_GAS_LIMIT,
    ANVIL_START_TIMEOUT_S,
    ANVIL_STATE_INTERVAL_S,
    ANVIL_STOP_TIMEOUT_S,
)
from digisom.chain.profiles import LOCAL_CHAIN_ID
from digisom.errors import ConfigurationError, DigisomError

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACTS_DIR = REPO_ROOT / "contracts"
ANVIL_BINARY_ENV = "DIGISOM_ANVIL_BIN"
"""Environment variable that overrides where the anvil binary is (e.g. an installed package)."""

STATE_FILE_NAME = "anvil-state.json"
LOG_FILE_NAME = "anvil.log"
HOST = "127.0.0.1"
_READY_POLL_S = 0.05

_NPM_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
_NPM_OS = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}


class AnvilError(DigisomError):
    """The local node could not be started, or stopped answering."""


def find_anvil_binary(contracts_dir: Path = CONTRACTS_DIR) -> Path:
    """Path of the anvil binary shipped inside the npm package for this platform."""
    override = os.environ.get(ANVIL_BINARY_ENV)
    if override:
        path = Path(override)
    else:
        os_name = _NPM_OS.get(platform.system())
        arch = _NPM_ARCH.get(platform.machine().lower())
        if os_name is None or arch is None:
            raise ConfigurationError(f"anvil has no npm build for {platform.platform()}")
        binary = "anvil.exe" if os_name == "win32" else "anvil"
        package = f"anvil-{os_name}-{arch}"
        path = contracts_dir / "node_modules" / "@foundry-rs" / package / "bin" / binary
    if not path.is_file():
        raise ConfigurationError(
            f"anvil not found at {path}; run `cd contracts && npm ci` (the Makefile does it)"
        )
    return path


def free_port() -> int:
    """A TCP port that was free a moment ago (the OS picks it; anvil binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class AnvilConfig:
    """How to run one local node."""

    chain_id: int = LOCAL_CHAIN_ID
    """Chain id the node reports (31337 is anvil's and the local profile's)."""
    port: int | None = None
    """TCP port on 127.0.0.1; None picks a free one."""
    state_dir: Path | None = None
    """Directory for the state dump (kept across restarts); None keeps state in memory only."""
    gas_limit: int = ANVIL_GAS_LIMIT
    """Block gas limit."""
    start_timeout_s: float = ANVIL_START_TIMEOUT_S
    stop_timeout_s: float = ANVIL_STOP_TIMEOUT_S


class Anvil:
    """A running anvil child process; use as a context manager or call start() and stop()."""

    def __init__(self, config: AnvilConfig | None = None) -> None:
        self.config = config or AnvilConfig()
        self.port = self.config.port or free_port()
        self.rpc_url = f"http://{HOST}:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def _command(self, binary: Path) -> list[str]:
        command = [
            str(binary),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--chain-id",
            str(self.config.chain_id),
            "--gas-limit",
            str(self.config.gas_limit),
            "--hardfork",
            "cancun",
        ]
        if self.config.state_dir is not None:
            state_file = self.config.state_dir / STATE_FILE_NAME
            command += ["--dump-state", str(state_file)]
            command += ["--state-interval", str(ANVIL_STATE_INTERVAL_S)]
            if state_file.is_file():
                command += ["--load-state", str(state_file)]
        return command

    def start(self) -> Self:
        """Spawn anvil and return once it answers JSON-RPC; raise AnvilError past the timeout."""
        if self._process is not None:
            raise AnvilError("anvil is already running")
        binary = find_anvil_binary()
        if self.config.state_dir is not None:
            self.config.state_dir.mkdir(parents=True, exist_ok=True)
            self._log = (self.config.state_dir / LOG_FILE_NAME).open("ab")
        output: IO[bytes] | int = self._log if self._log is not None else subprocess.DEVNULL
        self._process = subprocess.Popen(
            self._command(binary), stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.config.start_timeout_s
        request = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        with httpx.Client(timeout=1.0) as client:
            while time.monotonic() < deadline:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise AnvilError(f"anvil exited with code {self._process.returncode}")
                try:
                    reply = client.post(self.rpc_url, json=request)
                    if reply.status_code == httpx.codes.OK:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(_READY_POLL_S)
        raise AnvilError(f"anvil did not answer within {self.config.start_timeout_s} s")

    def stop(self) -> None:
        """Ask anvil to exit (it dumps its state first), and kill it past the grace period."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=self.config.stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.config.stop_timeout_s)
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
