"""A 2-leaf tree computed by hand from the spec with hashlib, step by step, and the builder's."""

import hashlib
import json

from digisom.reserve.por import hashing
from digisom.reserve.por.proof import proof_for_position, proof_to_json, published_root
from digisom.reserve.por.tree import build_tree
from digisom.reserve.por.verify import verify_proof_json

SALT_ALICE = bytes(range(32))
SALT_BOB = bytes(range(32, 64))


def test_two_leaf_vector_step_by_step() -> None:
    # Leaves: H(0x00 || salt || u32(len(uid)) || uid || u64(balance)).
    alice = hashlib.sha256(
        bytes([0]) + SALT_ALICE + bytes([0, 0, 0, 5]) + b"alice" + bytes([0] * 6 + [0x05, 0xDC])
    ).digest()  # balance 1500 = 0x05dc
    bob = hashlib.sha256(
        bytes([0]) + SALT_BOB + bytes([0, 0, 0, 3]) + b"bob" + bytes([0] * 7 + [0x2A])
    ).digest()  # balance 42
    # Sorted by leaf hash (ascending bytes); two leaves are already a power of two: no padding.
    (left, left_sum), (right, right_sum) = sorted([(alice, 1500), (bob, 42)])
    # Inner node: H(0x01 || left_hash || u128(left_sum) || right_hash || u128(right_sum)).
    root = hashlib.sha256(
        bytes([1])
        + left
        + bytes(14)
        + left_sum.to_bytes(2, "big")
        + right
        + bytes(14)
        + right_sum.to_bytes(2, "big")
    ).digest()

    tree = build_tree([b"alice", b"bob"], [1500, 42], salts=SALT_ALICE + SALT_BOB, workers=1)
    assert tree.root_hash == root
    assert tree.root_sum_minor == 1542
    assert tree.depth == 1

    record = published_root(tree, "2026-11-24T00:00:00Z", 991)
    alice_position = 0 if left == alice else 1
    proof = json.loads(proof_to_json(proof_for_position(tree, record, alice_position)))
    assert proof == {
        "version": 1,
        "root": {
            "hash": root.hex(),
            "sum": "1542",
            "leaf_count": 2,
            "snapshot": "2026-11-24T00:00:00Z",
            "ledger_height": "991",
        },
        "leaf": {
            "uid": "alice",
            "salt": SALT_ALICE.hex(),
            "balance": "1500",
            "position": alice_position,
        },
        "path": [
            {
                "side": "right" if alice_position == 0 else "left",
                "hash": bob.hex(),
                "sum": "42",
            }
        ],
    }
    assert verify_proof_json(json.dumps(proof).encode()).accepted


def test_one_leaf_tree_is_its_leaf_and_has_an_empty_path() -> None:
    leaf = hashlib.sha256(
        b"\x00" + SALT_ALICE + (5).to_bytes(4, "big") + b"alice" + (7).to_bytes(8, "big")
    ).digest()
    tree = build_tree([b"alice"], [7], salts=SALT_ALICE)
    assert (tree.root_hash, tree.root_sum_minor, tree.depth) == (leaf, 7, 0)
    proof = proof_for_position(tree, published_root(tree, "2026-11-24T00:00:00Z", 0), 0)
    assert proof.path == ()
    assert verify_proof_json(proof_to_json(proof)).accepted


def test_padding_leaf_and_hash_helpers_follow_the_spec() -> None:
    assert hashing.padding_hash(5) == hashlib.sha256(b"\x02" + bytes(7) + b"\x05").digest()
    assert hashing.padded_leaf_count(1) == 1
    assert [hashing.padded_leaf_count(n) for n in (2, 3, 5, 8, 9)] == [2, 4, 8, 8, 16]
    assert [hashing.tree_depth(n) for n in (1, 2, 3, 4, 5, 1000)] == [0, 1, 2, 2, 3, 10]
    left, right = bytes(32), bytes([255]) * 32
    expected = hashlib.sha256(
        b"\x01" + left + (3).to_bytes(16, "big") + right + (4).to_bytes(16, "big")
    ).digest()
    assert hashing.node_hash(left, 3, right, 4) == expected
