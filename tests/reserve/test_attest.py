"""Proof of control: each reserve address signs this round's fresh message (EIP-191)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from digisom.errors import InvalidInput
from digisom.reserve.attest import (
    attestation_message,
    new_round_id,
    submit_evm_attestation,
    verify_evm_attestation,
)
from digisom.reserve.reserve_store import attestations
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


def _sign(key: Any, message: str) -> str:
    signed = Account.sign_message(encode_defunct(text=message), private_key=key.key)
    return "0x" + bytes(signed.signature).hex()


def test_round_signatures(sqlite_url: str) -> None:
    reserve_a, reserve_b = Account.create(), Account.create()
    round_id = new_round_id(datetime(2026, 11, 24, tzinfo=UTC))
    assert round_id.startswith("20261124-") and new_round_id() != new_round_id()
    good = _sign(reserve_a, attestation_message(round_id, reserve_a.address))
    assert verify_evm_attestation(round_id, reserve_a.address, good)
    assert verify_evm_attestation(round_id, reserve_a.address.lower(), good)
    # Another address, another round, a mangled signature: all refused.
    assert not verify_evm_attestation(round_id, reserve_b.address, good)
    assert not verify_evm_attestation(new_round_id(), reserve_a.address, good)
    flipped = good[:40] + ("0" if good[40] != "0" else "1") + good[41:]
    assert not verify_evm_attestation(round_id, reserve_a.address, flipped)
    assert not verify_evm_attestation(round_id, reserve_a.address, "0x1234")
    with pytest.raises(InvalidInput, match="not a round id"):
        attestation_message("yesterday", reserve_a.address)

    store = open_store(parse_database_url(sqlite_url))
    try:
        submit_evm_attestation(store, round_id, reserve_a.address, good)
        with pytest.raises(InvalidInput, match="does not prove control"):
            submit_evm_attestation(store, round_id, reserve_b.address, good)
        assert attestations(store, round_id) == [
            (reserve_a.address.lower(), "evm-personal-sign", good.lower())
        ]
    finally:
        store.close()
