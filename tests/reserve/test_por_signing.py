"""The issuer's signature covers every field of the root, in canonical JSON."""

import dataclasses
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from digisom.reserve.por.proof import canonical_root_json
from digisom.reserve.por.signing import root_signature_valid, sign_root
from tests.reserve.support import honest_tree


def test_canonical_root_json_is_sorted_compact_ascii() -> None:
    _, root = honest_tree(3)
    text = canonical_root_json(root)
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":")).encode()
    assert text.startswith(b'{"hash":"') and b" " not in text
    assert list(json.loads(text)) == ["hash", "leaf_count", "ledger_height", "snapshot", "sum"]


def test_signature_verifies_and_breaks_on_any_root_change() -> None:
    _, root = honest_tree(3)
    key = Ed25519PrivateKey.generate()
    trusted = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signed = sign_root(root, key)
    assert root_signature_valid(root, signed, trusted)
    assert len(signed.to_object()["signature"]) == 128
    for change in (
        {"sum_minor": root.sum_minor + 1},
        {"leaf_count": root.leaf_count + 1},
        {"snapshot": "2026-11-25T00:00:00Z"},
        {"ledger_height": root.ledger_height + 1},
        {"hash": bytes(32)},
    ):
        assert not root_signature_valid(dataclasses.replace(root, **change), signed, trusted)
    other = Ed25519PrivateKey.generate()
    assert not root_signature_valid(root, sign_root(root, other), trusted)
    forged = dataclasses.replace(signed, signature=bytes(64))
    assert not root_signature_valid(root, forged, trusted)
