"""Fixtures for the bridge tests: one real anvil per session with both tokens deployed and the
bridge's key holding the minter and issuer roles, an EVM snapshot reverted after every test, and
a fresh database (SQLite and PostgreSQL, from `db_url`) with the bridge registered on it."""

from collections.abc import Iterator
from typing import Any

import pytest
from web3 import Web3

from digisom.chain.anvil import Anvil
from digisom.chain.client import connect, send_transaction
from digisom.chain.deploy import Deployment, deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.bridge.support import BridgeHarness, dsom_of, holders, kgst_of

RESERVES = 10**12 * 10**18
MINTER_ALLOWANCE = 10**11 * 10**18


@pytest.fixture(scope="session")
def node() -> Iterator[Anvil]:
    with Anvil() as anvil:
        yield anvil


@pytest.fixture(scope="session")
def w3(node: Anvil) -> Web3:
    return connect(node.rpc_url, LOCAL_CHAIN_ID)


@pytest.fixture(scope="session")
def signer(w3: Web3) -> Any:
    return load_signer(resolve_profile("local", str(w3.provider.endpoint_uri)))


@pytest.fixture(scope="session")
def deployment(w3: Web3, signer: Any) -> Deployment:
    """Tokens deployed once; the signer (the bridge) may mint KGST and holds DSOM's roles."""
    deployed = deploy_tokens(w3, signer)
    kgst, dsom = kgst_of(w3, deployed), dsom_of(w3, deployed)
    send_transaction(w3, signer, kgst.functions.reportReserves(RESERVES))
    send_transaction(w3, signer, kgst.functions.configureMinter(signer.address, MINTER_ALLOWANCE))
    send_transaction(w3, signer, dsom.functions.allow([signer.address, *holders(w3)]))
    return deployed


@pytest.fixture(autouse=True)
def _chain_snapshot(request: pytest.FixtureRequest) -> Iterator[None]:
    if "w3" not in request.fixturenames:
        yield
        return
    w3: Web3 = request.getfixturevalue("w3")
    request.getfixturevalue("deployment")
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True  # type: ignore[arg-type]


@pytest.fixture
def harness(db_url: str, w3: Web3, signer: Any, deployment: Deployment) -> Iterator[BridgeHarness]:
    store = open_store(parse_database_url(db_url))
    try:
        yield BridgeHarness.create(db_url, store, w3, signer, deployment)
    finally:
        store.close()


@pytest.fixture
def sqlite_harness(
    sqlite_url: str, w3: Web3, signer: Any, deployment: Deployment
) -> Iterator[BridgeHarness]:
    """For the chain-heavy tests: SQLite only, to keep the suite fast."""
    store = open_store(parse_database_url(sqlite_url))
    try:
        yield BridgeHarness.create(sqlite_url, store, w3, signer, deployment)
    finally:
        store.close()
