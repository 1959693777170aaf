"""Proof of liabilities from the ledger: holder selection, signed and stored roots, proofs that
the independent verifier accepts, refusal of negative balances, tamper detection."""

import json
from pathlib import Path

import pytest

from digisom.bridge.limits import ESCROW_ACCOUNT_CODE
from digisom.errors import InvalidInput, InvariantError
from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import Ledger
from digisom.platform.accounts import CIRCULATION_CODE_MIN, Code
from digisom.reserve.issuer import load_issuer_key, public_key_bytes
from digisom.reserve.liabilities import (
    CENTRAL_BANK_CODES,
    ESCROW_CODES,
    account_id_of_uid,
    account_uid,
    read_liabilities,
)
from digisom.reserve.por.proof import proof_to_json, root_to_json
from digisom.reserve.por.signing import root_signature_valid
from digisom.reserve.por.verify import verify_proof_json
from digisom.reserve.por_store import get_root, list_roots
from digisom.reserve.snapshots import proof_for_uid, publish_snapshot
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.reserve.ledger_support import (
    ALICE_ID,
    EXPECTED_BALANCES,
    SOM,
    WALLET,
)


def test_codes_agree_with_the_chart_of_accounts() -> None:
    assert {Code.CB_ISSUANCE, Code.CB_RESERVE_CONTROL} <= CENTRAL_BANK_CODES
    assert max(CENTRAL_BANK_CODES) < Code.BANK_RESERVE < CIRCULATION_CODE_MIN
    assert {Code.TOKEN_ESCROW, ESCROW_ACCOUNT_CODE} <= ESCROW_CODES


def test_uid_round_trip() -> None:
    uid = account_uid(2**128 - 1)
    assert len(uid) == 37 and account_id_of_uid(uid) == 2**128 - 1
    assert account_id_of_uid("acct-XYZ") is None
    assert account_id_of_uid(uid.upper()) is None
    assert account_id_of_uid("0x" + "a" * 40) is None


def test_selection_reads_holders_at_the_head(seeded_db: str) -> None:
    store = open_store(parse_database_url(seeded_db))
    try:
        snapshot = read_liabilities(store)
        head = store.head()
    finally:
        store.close()
    got = dict(zip(snapshot.uids, snapshot.balances_minor, strict=True))
    assert got == {account_uid(i): b for i, b in EXPECTED_BALANCES.items()}
    assert snapshot.ledger_height == head.height and snapshot.journal_hash == head.hash


def test_publish_sign_store_and_prove(seeded_db: str, issuer_key_file: Path) -> None:
    key = load_issuer_key(issuer_key_file)
    store = open_store(parse_database_url(seeded_db))
    try:
        stored = publish_snapshot(store, key)
        assert stored.root.sum_minor == sum(EXPECTED_BALANCES.values())
        assert stored.root.leaf_count == len(EXPECTED_BALANCES)
        assert stored.root.ledger_height == store.head().height
        assert stored.anchor_tx is None
        assert root_signature_valid(stored.root, stored.signature, public_key_bytes(key))
        published = root_to_json(stored.root)
        for account_id, balance in EXPECTED_BALANCES.items():
            proof = proof_to_json(proof_for_uid(store, account_uid(account_id)))
            verdict = verify_proof_json(
                proof, published_root_json=published, expected_uid=account_uid(account_id)
            )
            assert verdict.accepted, verdict.reason
            assert json.loads(proof)["leaf"]["balance"] == str(balance)
        second = publish_snapshot(store, key)
        assert [r.id for r in list_roots(store, 10)] == [second.id, stored.id]
        assert second.root.hash != stored.root.hash  # fresh salts every snapshot
        # An older snapshot still serves proofs (rebuilt from its stored leaves and salts).
        old = proof_to_json(proof_for_uid(store, account_uid(ALICE_ID), stored.id))
        assert verify_proof_json(old, published_root_json=published).accepted
    finally:
        store.close()


def test_negative_balance_refuses_the_snapshot(seeded_db: str, issuer_key_file: Path) -> None:
    store = open_store(parse_database_url(seeded_db))
    try:
        ledger = Ledger(store)
        overdrawn = 7777
        assert ledger.create_accounts([Account(overdrawn, SOM, WALLET)]).results == ["ok"]
        assert ledger.create_transfers(
            [Transfer(77, overdrawn, ALICE_ID, 10, SOM, 10)]
        ).results == ["ok"]
        with pytest.raises(InvalidInput, match=f"negative balance: {account_uid(overdrawn)}"):
            publish_snapshot(store, load_issuer_key(issuer_key_file))
        assert list_roots(store, 10) == []
    finally:
        store.close()


def test_not_a_holder_and_no_root(seeded_db: str, issuer_key_file: Path) -> None:
    from digisom.errors import NotFound

    store = open_store(parse_database_url(seeded_db))
    try:
        with pytest.raises(NotFound, match="no proof-of-liabilities root"):
            proof_for_uid(store, account_uid(ALICE_ID))
        publish_snapshot(store, load_issuer_key(issuer_key_file))
        with pytest.raises(NotFound, match="is not a holder"):
            proof_for_uid(store, account_uid(1))  # the central bank's issuance account
    finally:
        store.close()


def test_tampered_leaf_is_detected(sqlite_url: str, issuer_key_file: Path) -> None:
    from digisom.reserve import snapshots
    from tests.reserve.ledger_support import seed_ledger

    store = open_store(parse_database_url(sqlite_url))
    try:
        seed_ledger(Ledger(store))
        stored = publish_snapshot(store, load_issuer_key(issuer_key_file))
        snapshots._trees.clear()
        with store.write_transaction():
            store._execute(
                "UPDATE por_leaves SET balance_minor = '1' WHERE uid = ?", (account_uid(ALICE_ID),)
            )
        with pytest.raises(InvariantError, match="rebuild root"):
            proof_for_uid(store, account_uid(ALICE_ID), stored.id)
        assert get_root(store, stored.id).root == stored.root
    finally:
        store.close()


def test_empty_ledger_publishes_nothing(sqlite_url: str, issuer_key_file: Path) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        with pytest.raises(InvalidInput, match="no liability holders on ledger 417 at height 0"):
            publish_snapshot(store, load_issuer_key(issuer_key_file))
        assert list_roots(store, 10) == []
    finally:
        store.close()
