"""Fixtures for the chain tests: one real anvil for the whole session, both tokens deployed once,
and an EVM snapshot reverted after every test so that tests stay independent and fast."""

from collections.abc import Iterator
from typing import Any

import pytest
from web3 import Web3

from digisom.chain.anvil import Anvil
from digisom.chain.artifacts import load_artifact
from digisom.chain.client import connect
from digisom.chain.deploy import Deployment, deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from tests.chain.support import (
    MINTER_ALLOWANCE_DEFAULT,
    RESERVES_DEFAULT,
    STARTING_BALANCE,
    Chain,
)


@pytest.fixture(scope="session")
def node() -> Iterator[Anvil]:
    with Anvil() as anvil:
        yield anvil


@pytest.fixture(scope="session")
def w3(node: Anvil) -> Web3:
    return connect(node.rpc_url, LOCAL_CHAIN_ID)


@pytest.fixture(scope="session")
def deployment(w3: Web3) -> Deployment:
    signer = load_signer(resolve_profile("local", str(w3.provider.endpoint_uri)))
    return deploy_tokens(w3, signer)


@pytest.fixture(scope="session")
def accounts(w3: Web3) -> dict[str, str]:
    names = ["admin", "alice", "bob", "carol", "minter", "custody", "relayer", "mallory"]
    return dict(zip(names, w3.eth.accounts, strict=False))


@pytest.fixture(scope="session")
def kgst_contract(w3: Web3, deployment: Deployment) -> Any:
    return w3.eth.contract(address=deployment.kgst, abi=load_artifact("KGST").abi)


@pytest.fixture(scope="session")
def dsom_contract(w3: Web3, deployment: Deployment) -> Any:
    return w3.eth.contract(address=deployment.dsom, abi=load_artifact("DSOM").abi)


@pytest.fixture(scope="session")
def funded(w3: Web3, kgst_contract: Any, accounts: dict[str, str]) -> None:
    """Once per session: a minter with an allowance, and balances for alice, bob and mallory."""
    chain = Chain(w3)
    admin, minter = accounts["admin"], accounts["minter"]
    chain.send(kgst_contract.functions.reportReserves(RESERVES_DEFAULT), admin)
    chain.send(kgst_contract.functions.configureMinter(minter, MINTER_ALLOWANCE_DEFAULT), admin)
    for name in ("alice", "bob", "mallory"):
        chain.send(kgst_contract.functions.mint(accounts[name], STARTING_BALANCE), minter)


@pytest.fixture(autouse=True)
def _chain_snapshot(request: pytest.FixtureRequest) -> Iterator[None]:
    """Revert the chain to its state before the test (tests that use no chain pay nothing)."""
    if "w3" not in request.fixturenames:
        yield
        return
    w3: Web3 = request.getfixturevalue("w3")
    if "funded" in request.fixturenames:
        request.getfixturevalue("funded")
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    yield
    assert w3.provider.make_request("evm_revert", [snapshot])["result"] is True


@pytest.fixture
def chain(w3: Web3) -> Chain:
    return Chain(w3)


@pytest.fixture
def kgst(chain: Chain, kgst_contract: Any, accounts: dict[str, str], funded: None) -> Any:
    """KGST with funded accounts and a fresh reserve report (the clock may have moved)."""
    chain.send(kgst_contract.functions.reportReserves(RESERVES_DEFAULT), accounts["admin"])
    return kgst_contract
