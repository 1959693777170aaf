"""Fixtures for reserve tests: an issuer key in a private file, a seeded ledger, and one anvil
for the session (started only by tests that ask for it), reverted after every test."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from digisom.chain.anvil import Anvil
from digisom.chain.client import connect
from digisom.chain.profiles import LOCAL_CHAIN_ID
from digisom.ledger.service import Ledger
from digisom.reserve.issuer import write_new_issuer_key
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.reserve.ledger_support import seed_ledger


@pytest.fixture
def issuer_key_file(tmp_path: Path) -> Path:
    """A fresh Ed25519 key, mode 0600, outside the repository."""
    path = tmp_path / "issuer.pem"
    write_new_issuer_key(path)
    return path


@pytest.fixture
def seeded_db(db_url: str) -> str:
    """A database of each kind with the ledger of `ledger_support` in it."""
    store = open_store(parse_database_url(db_url))
    try:
        seed_ledger(Ledger(store))
    finally:
        store.close()
    return db_url


@pytest.fixture(scope="session")
def anvil_node() -> Iterator[Anvil]:
    with Anvil() as node:
        yield node


@pytest.fixture
def anvil_w3(anvil_node: Anvil) -> Iterator[Web3]:
    """A client of the session's anvil; the chain is reverted to its state before the test."""
    w3 = connect(anvil_node.rpc_url, LOCAL_CHAIN_ID)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield w3
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True  # type: ignore[arg-type]
