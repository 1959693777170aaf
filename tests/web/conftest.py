"""The real app under uvicorn on a free port (in a thread), seeded with real ledger data and a
real PoL root, and a real headless Chromium driven by Playwright.

Chromium is Debian's (`/usr/bin/chromium`); no browser is ever downloaded. If it cannot start,
browser tests fail in CI (env CI=true) and skip with the reason elsewhere.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from digisom.api.app import create_app
from digisom.keys import Role, create_key
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from digisom.web.sources import PublicSources
from tests.web.seed import Seeded, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVER_START_TIMEOUT_S = 20.0


SeededDb = tuple[str, Seeded, dict[Role, str]]
"""(database URL, what was seeded, an API key per role)."""


@dataclass
class Portal:
    base_url: str
    keys: dict[Role, str]
    seeded: Seeded

    def get(self, path: str, key: str | None = None) -> object:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        response = httpx.get(self.base_url + path, headers=headers, timeout=10.0)
        response.raise_for_status()
        return response.json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDb]:
    """One SQLite database for the whole session: seeding and a PoL snapshot take a second."""
    url = f"sqlite:///{tmp_path_factory.mktemp('portal') / 'ledger.sqlite3'}"
    store = open_store(parse_database_url(url))
    try:
        seeded = seed(Ledger(store))
        keys = {role: create_key(store, role, f"portal test {role.value}") for role in Role}
    finally:
        store.close()
    yield url, seeded, keys


def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on 127.0.0.1:<free port> in a thread until the generator closes."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        assert thread.is_alive(), "uvicorn exited before serving"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10.0)


@pytest.fixture(scope="session")
def portal(seeded_url: SeededDb) -> Iterator[Portal]:
    """The app exactly as `digisom serve` builds it, with its default (honest) data sources."""
    url, seeded, keys = seeded_url
    app = create_app(parse_database_url(url))
    for base_url in serve(app):
        yield Portal(base_url, keys, seeded)


def make_portal_with_sources(seeded_url: SeededDb, sources: PublicSources) -> Iterator[Portal]:
    url, seeded, keys = seeded_url
    app = create_app(parse_database_url(url))
    app.state.public_sources = sources
    for base_url in serve(app):
        yield Portal(base_url, keys, seeded)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session; every test opens its own context (fresh sessionStorage)."""
    from playwright.sync_api import Error, sync_playwright

    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is not installed (scripts/debian-deps.sh installs it)"
    if problem is None:
        manager = sync_playwright().start()
        try:
            chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as error:
            manager.stop()
            problem = f"Chromium did not start: {str(error).splitlines()[0]}"
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need Chromium in CI: {problem}")
        pytest.skip(problem)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()
