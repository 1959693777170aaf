"""Freezes and seizures on both layers at once, against a real anvil with KGST deployed: the
ledger account is frozen and the linked address blacklisted together, unfreeze reverses both, a
failure on chain undoes the ledger step, and a court-ordered seizure moves both balances."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account import Account as EthAccount
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.chain.anvil import Anvil
from digisom.chain.artifacts import load_artifact
from digisom.chain.client import connect, send_transaction
from digisom.chain.deploy import deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from digisom.compliance import chain_config, freeze
from digisom.compliance.freeze import KgstFreezer
from digisom.compliance.keys import create_officer_key
from digisom.compliance.kyc import vault
from digisom.compliance.kyc.vault import Basis
from digisom.errors import InvalidInput
from digisom.ledger.model import Account, AccountFlags, Transfer
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.compliance.kyc_support import OFFICER, ONBOARDING, fresh_keys, person

UNIT = 10**18
ORDER = Basis("court_order", "Bishkek district court order 2026/481")
FIU = Basis("freeze", "FIU decision 2026/12 (AML/CFT law art. 11)")
ISSUER, WALLET, CUSTODY = 1, 11, 99


@dataclass
class Chain:
    w3: Any
    kgst: Any
    signer: Any
    rpc_url: str


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    with Anvil() as node:
        w3 = connect(node.rpc_url, LOCAL_CHAIN_ID)
        signer = load_signer(resolve_profile("local", node.rpc_url))
        deployment = deploy_tokens(w3, signer)
        kgst = w3.eth.contract(
            address=w3.to_checksum_address(deployment.kgst), abi=load_artifact("KGST").abi
        )
        send_transaction(w3, signer, kgst.functions.reportReserves(10**9 * UNIT))
        send_transaction(w3, signer, kgst.functions.configureMinter(signer.address, 10**6 * UNIT))
        yield Chain(w3, kgst, signer, node.rpc_url)


def _holder(chain: Chain, amount: int) -> str:
    address = EthAccount.create().address
    send_transaction(chain.w3, chain.signer, chain.kgst.functions.mint(address, amount))
    return str(address)


def _funded_ledger(store: Any) -> Ledger:
    ledger = Ledger(store)
    wallet = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    ledger.create_accounts(
        [Account(ISSUER, 417, 1), Account(WALLET, 417, 10, wallet), Account(CUSTODY, 417, 20)]
    )
    ledger.create_transfers([Transfer(500, ISSUER, WALLET, 123_456, 417, 1)])
    return ledger


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    store = open_store(parse_database_url(db_url))
    yield _funded_ledger(store)
    store.close()


def _subject(ledger: Ledger, address: str) -> str:
    subject = vault.register(ledger.store, fresh_keys(), person(), "customer", OFFICER, ONBOARDING)
    vault.link(ledger.store, subject, "account", str(WALLET), OFFICER, ONBOARDING)
    vault.link(ledger.store, subject, "address", address, OFFICER, ONBOARDING)
    return subject


def _frozen(ledger: Ledger) -> bool:
    state = ledger.get_account(WALLET)
    assert state is not None
    return state.frozen


def test_freeze_seize_on_both_layers(chain: Chain, ledger: Ledger) -> None:
    address = _holder(chain, 40 * UNIT)
    subject = _subject(ledger, address)
    freezer = KgstFreezer(chain.w3, chain.kgst, chain.signer, chain.signer)
    done = freeze.freeze(ledger, freezer, subject, OFFICER, FIU)
    assert done.status == "frozen" and _frozen(ledger)
    assert chain.kgst.functions.isBlacklisted(address).call() is True
    moved = ledger.create_transfers([Transfer(501, WALLET, ISSUER, 1, 417, 1)]).results
    assert moved == ["debit_account_frozen"]

    custody_address = EthAccount.create().address
    seized = freeze.seize(ledger, freezer, done.id, CUSTODY, custody_address, OFFICER, ORDER)
    assert seized.status == "seized" and _frozen(ledger)
    custody = ledger.get_account(CUSTODY)
    assert custody is not None and custody.credits_posted == 123_456
    assert chain.kgst.functions.balanceOf(address).call() == 0
    assert chain.kgst.functions.balanceOf(custody_address).call() == 40 * UNIT
    actions = [r[0] for r in ledger.store._query("SELECT action FROM audit_log ORDER BY height")]
    assert actions[-2:] == ["freeze", "seize"]
    with pytest.raises(InvalidInput, match="not frozen"):
        freeze.seize(ledger, freezer, done.id, CUSTODY, custody_address, OFFICER, ORDER)


def test_unfreeze_reverses_both_layers(chain: Chain, ledger: Ledger) -> None:
    address = _holder(chain, UNIT)
    subject = _subject(ledger, address)
    freezer = KgstFreezer(chain.w3, chain.kgst, chain.signer, chain.signer)
    done = freeze.freeze(ledger, freezer, subject, OFFICER, FIU)
    lifted = freeze.unfreeze(ledger, freezer, done.id, OFFICER, ORDER)
    assert lifted.status == "released" and not _frozen(ledger)
    assert chain.kgst.functions.isBlacklisted(address).call() is False


def test_a_chain_failure_leaves_neither_layer_frozen(chain: Chain, ledger: Ledger) -> None:
    address = _holder(chain, UNIT)
    subject = _subject(ledger, address)
    unfunded = EthAccount.create()  # not the blacklister, and has no gas: the call fails
    broken = KgstFreezer(chain.w3, chain.kgst, unfunded, unfunded)
    with pytest.raises(Exception):  # noqa: B017 - any chain error must undo the ledger step
        freeze.freeze(ledger, broken, subject, OFFICER, FIU)
    assert not _frozen(ledger)
    assert chain.kgst.functions.isBlacklisted(address).call() is False
    assert ledger.store.count_rows("compliance_freezes") == 0


def test_addresses_without_a_chain_are_refused_before_anything_changes(ledger: Ledger) -> None:
    subject = _subject(ledger, "0x" + "12" * 20)
    with pytest.raises(InvalidInput, match="no chain is configured"):
        freeze.freeze(ledger, None, subject, OFFICER, FIU)
    assert not _frozen(ledger)


def test_the_api_freezes_and_seizes_on_both_layers(
    chain: Chain, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    custody_address = str(EthAccount.create().address)
    monkeypatch.setenv(chain_config.PROFILE_ENV, "local")
    monkeypatch.setenv(chain_config.RPC_ENV, chain.rpc_url)
    monkeypatch.setenv(chain_config.KGST_ENV, str(chain.kgst.address))
    monkeypatch.setenv(chain_config.CUSTODY_ENV, custody_address)
    url = parse_database_url(sqlite_url)
    store = open_store(url)
    ledger = _funded_ledger(store)
    address = _holder(chain, 5 * UNIT)
    subject = _subject(ledger, address)
    officer = {"Authorization": f"Bearer {create_officer_key(store, 'fiu')}"}
    store.close()
    with TestClient(create_app(url)) as client:
        body = {"subject_id": subject, "legal_basis": FIU.legal_basis}
        frozen = client.post("/v1/compliance/freezes", json=body, headers=officer)
        assert frozen.status_code == 201, frozen.text
        assert frozen.json()["addresses"] == [address.lower()]
        assert chain.kgst.functions.isBlacklisted(address).call() is True
        order = {"court_order": ORDER.legal_basis, "custody_account_id": str(CUSTODY)}
        path = f"/v1/compliance/freezes/{frozen.json()['id']}/seize"
        seized = client.post(path, json=order, headers=officer)
        assert seized.status_code == 200 and seized.json()["status"] == "seized"
    assert chain.kgst.functions.balanceOf(custody_address).call() == 5 * UNIT
    assert chain.kgst.functions.balanceOf(address).call() == 0
