"""`digisom serve` with the embedded defaults: a managed local chain, tokens deployed once."""

import signal
from pathlib import Path

import httpx
import pytest

from digisom.bridge.repository import BridgeRepository
from digisom.chain.profiles import LOCAL_CHAIN_ID
from digisom.ledger.verify import verify
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.serving import free_port, start_server


def stop(process: "object") -> None:
    process.send_signal(signal.SIGTERM)  # type: ignore[attr-defined]
    process.wait(timeout=60)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_first_start_deploys_the_tokens_and_a_restart_finds_them(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'data' / 'digisom.sqlite3'}"
    log = tmp_path / "server.log"
    extra = ["--chain", "local", "--data-dir", str(tmp_path / "data")]
    port = free_port()
    server, key = start_server(db_url, port, log, extra)
    try:
        assert key is not None
        first = log.read_text()
        assert "deployed KGST 0x" in first
        r = httpx.get(
            f"http://127.0.0.1:{port}/v1/ledger/head", headers={"Authorization": f"Bearer {key}"}
        )
        assert r.status_code == 200 and int(r.json()["height"]) >= 1
    finally:
        stop(server)
    assert (tmp_path / "data" / "anvil").is_dir(), "the chain keeps its state on disk"

    server, second_key = start_server(db_url, port, log, extra)
    try:
        assert second_key is None
        assert "found KGST" in log.read_text()
    finally:
        stop(server)

    store = open_store(parse_database_url(db_url), migrate=False)
    try:
        tokens = {t.symbol: t for t in BridgeRepository(store).tokens(LOCAL_CHAIN_ID)}
        assert set(tokens) == {"KGST", "DSOM"}
        for token in tokens.values():
            assert token.address.lower() in first.lower()
            assert store.get_account(token.escrow_account_id) is not None
        assert verify(store).ok
    finally:
        store.close()
