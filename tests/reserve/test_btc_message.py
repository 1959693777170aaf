"""BIP 137 message signatures: a published vector, BIP 173's address vector, and signatures of
every address type made here and checked both ways."""

import base64
import hashlib

import pytest
from eth_keys.datatypes import PrivateKey

from digisom.errors import InvalidInput
from digisom.reserve.attest import attestation_message, new_round_id, submit_btc_attestation
from digisom.reserve.btc_message import (
    P2PKH_VERSION,
    P2SH_VERSION,
    _hash160,
    base58check,
    bech32_p2wpkh,
    message_hash,
    verify_btc_message,
)
from digisom.reserve.reserve_store import attestations
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

# From the bitcoinjs-message README (compressed P2PKH key, header 31).
VECTOR_ADDRESS = "1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV"
VECTOR_MESSAGE = "This is an example of a signed message."
VECTOR_SIGNATURE = (
    "H9L5yLFjti0QTHhPyFrZCT1V/MMnBtXKmoiKDZ78NDBjERki6ZTQZdSMCtkgoNmp17By9ItJr8o7ChX0XxY91nk="
)
GENERATOR_COMPRESSED = bytes.fromhex(
    "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"
)


def test_published_vectors() -> None:
    assert verify_btc_message(VECTOR_ADDRESS, VECTOR_MESSAGE, VECTOR_SIGNATURE)
    assert not verify_btc_message(VECTOR_ADDRESS, VECTOR_MESSAGE + " ", VECTOR_SIGNATURE)
    assert not verify_btc_message(
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", VECTOR_MESSAGE, VECTOR_SIGNATURE
    )
    # BIP 173: the P2WPKH address of the generator point's compressed key.
    expected = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert bech32_p2wpkh(_hash160(GENERATOR_COMPRESSED)) == expected


def _sign(private: PrivateKey, message: str, header_base: int) -> str:
    signature = private.sign_msg_hash(message_hash(message))
    header = header_base + signature.v
    raw = bytes([header]) + signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big")
    return base64.b64encode(raw).decode()


def _addresses(private: PrivateKey) -> dict[int, str]:
    public = private.public_key.to_bytes()
    compressed = private.public_key.to_compressed_bytes()
    return {
        27: base58check(P2PKH_VERSION + _hash160(b"\x04" + public)),
        31: base58check(P2PKH_VERSION + _hash160(compressed)),
        35: base58check(P2SH_VERSION + _hash160(b"\x00\x14" + _hash160(compressed))),
        39: bech32_p2wpkh(_hash160(compressed)),
    }


def test_every_address_type_round_trips(sqlite_url: str) -> None:
    private = PrivateKey(hashlib.sha256(b"digisom test key").digest())
    other = PrivateKey(hashlib.sha256(b"another key").digest())
    round_id = new_round_id()
    store = open_store(parse_database_url(sqlite_url))
    try:
        for header_base, address in _addresses(private).items():
            message = attestation_message(round_id, address)
            signature = _sign(private, message, header_base)
            assert verify_btc_message(address, message, signature)
            wrong_type = _sign(private, message, 27 if header_base != 27 else 31)
            assert not verify_btc_message(address, message, wrong_type)
            assert not verify_btc_message(address, message, _sign(other, message, header_base))
            submit_btc_attestation(store, round_id, address, signature)
            with pytest.raises(InvalidInput, match="does not prove control"):
                submit_btc_attestation(store, new_round_id(), address, signature)
        assert {a[1] for a in attestations(store, round_id)} == {"btc-bip137"}
        assert len(attestations(store, round_id)) == 4
    finally:
        store.close()


@pytest.mark.parametrize(
    "signature", ["", "not base64!", base64.b64encode(b"\x1f" + b"\x00" * 64).decode(), "A" * 200]
)
def test_malformed_signatures_are_refused(signature: str) -> None:
    assert not verify_btc_message(VECTOR_ADDRESS, VECTOR_MESSAGE, signature)


def test_address_forms() -> None:
    round_id = new_round_id()
    with pytest.raises(InvalidInput, match="neither a 0x EVM address nor a BTC"):
        attestation_message(round_id, "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")
    assert VECTOR_ADDRESS in attestation_message(round_id, VECTOR_ADDRESS)
