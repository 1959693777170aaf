"""The independent verifier: honest proofs pass, every known attack on sum trees fails."""

import hashlib
import json
from typing import Any

import pytest

from digisom.reserve.por.proof import published_root
from digisom.reserve.por.tree import build_tree
from digisom.reserve.por.verify import verify_proof_json, verify_proof_object
from tests.reserve.support import (
    SNAPSHOT,
    honest_tree,
    proof_json,
    proof_object,
    random_holders,
    root_json,
)

SIZES = [1, 2, 3, 5, 8, 1000]


def _reason(proof: Any) -> str:
    verdict = verify_proof_json(json.dumps(proof).encode())
    assert not verdict.accepted
    return verdict.reason


def _node(left: tuple[bytes, int], right: tuple[bytes, int]) -> bytes:
    return hashlib.sha256(
        b"\x01" + left[0] + left[1].to_bytes(16, "big") + right[0] + right[1].to_bytes(16, "big")
    ).digest()


@pytest.mark.parametrize("count", SIZES)
def test_every_honest_proof_is_accepted(count: int) -> None:
    tree, root = honest_tree(count, seed=count)
    published = root_json(root)
    for position in range(count):
        verdict = verify_proof_json(proof_json(tree, root, position), published_root_json=published)
        assert verdict.accepted, verdict.reason
        holder = tree.holder_at(position)
        assert verdict.uid == tree.uid_bytes[holder].decode()
        assert verdict.balance == tree.balances_minor[holder]
        assert verdict.root is not None and verdict.root.sum == sum(tree.balances_minor)


def test_sibling_shown_a_different_sum_is_rejected() -> None:
    tree, root = honest_tree(8)
    for step in range(3):
        for delta in (-1, 1):
            proof = proof_object(tree, root, 2)
            sibling = proof["path"][step]
            if int(sibling["sum"]) + delta < 0:
                continue
            sibling["sum"] = str(int(sibling["sum"]) + delta)
            # Lower the root sum to match, as a prover hiding liabilities would.
            proof["root"]["sum"] = str(int(proof["root"]["sum"]) + delta)
            assert "hash" in _reason(proof)


def test_a_root_sum_that_is_not_the_total_is_rejected() -> None:
    # A prover that reports max(left, right) (the classic flawed sum tree) instead of the sum.
    tree = build_tree([b"a", b"b"], [300, 500], salts=bytes(64))
    proof = proof_object(tree, published_root(tree, SNAPSHOT, 1), 0)
    assert proof["root"]["sum"] == "800"
    proof["root"]["sum"] = "500"
    assert _reason(proof) == "recomputed root sum differs from root.sum"


def test_negative_balance_and_sums_are_rejected() -> None:
    tree, root = honest_tree(2)
    proof = proof_object(tree, root, 0)
    proof["leaf"]["balance"] = "-" + proof["leaf"]["balance"]
    assert "negative" in _reason(proof)
    proof = proof_object(tree, root, 0)
    # A hidden negative account: the prover shows the sibling's sum as negative.
    proof["path"][0]["sum"] = "-5"
    assert "negative" in _reason(proof)


def test_twos_complement_negative_sum_overflows_and_is_rejected() -> None:
    # A prover hides -1000 as u128(2**128 - 1000) and hopes the total wraps around.
    own_balance = 5000
    salt = bytes(32)
    leaf = hashlib.sha256(b"\x00" + salt + b"\x00\x00\x00\x01a" + own_balance.to_bytes(8)).digest()
    fake = (hashlib.sha256(b"fake").digest(), 2**128 - 1000)
    root = _node((leaf, own_balance), fake)
    proof = {
        "version": 1,
        "root": {
            "hash": root.hex(),
            "sum": "4000",
            "leaf_count": 2,
            "snapshot": SNAPSHOT,
            "ledger_height": "1",
        },
        "leaf": {"uid": "a", "salt": salt.hex(), "balance": str(own_balance), "position": 0},
        "path": [{"side": "right", "hash": fake[0].hex(), "sum": str(fake[1])}],
    }
    assert "2**128" in _reason(proof)


def test_overflowing_balance_and_sum_are_rejected() -> None:
    tree, root = honest_tree(2)
    proof = proof_object(tree, root, 0)
    proof["leaf"]["balance"] = str(2**64)
    assert "leaf.balance is not below" in _reason(proof)
    proof = proof_object(tree, root, 0)
    proof["path"][0]["sum"] = str(2**128)
    assert "path[0].sum is not below" in _reason(proof)


def test_a_left_out_holder_cannot_prove_inclusion() -> None:
    uids, balances, salts = random_holders(5, seed=11)
    full = build_tree(uids, balances, salts=salts)
    short = build_tree(uids[:-1], balances[:-1], salts=salts[:-32])
    short_root = published_root(short, SNAPSHOT, 1)
    assert short.root_sum_minor == sum(balances) - balances[-1]
    left_out = full.position_of(4)
    # Its honest proof from the full tree is not a proof in the published (short) tree ...
    verdict = verify_proof_json(
        proof_json(full, published_root(full, SNAPSHOT, 1), left_out),
        published_root_json=root_json(short_root),
    )
    assert not verdict.accepted
    # ... and grafting its leaf onto a proof in the published tree breaks the hash.
    proof = proof_object(short, short_root, 0)
    proof["leaf"]["uid"] = uids[4].decode()
    proof["leaf"]["salt"] = salts[128:160].hex()
    proof["leaf"]["balance"] = str(balances[4])
    assert "hash" in _reason(proof)


def test_two_holders_cannot_share_a_leaf() -> None:
    uids, _, salts = random_holders(4, seed=12)
    balances = [700, 700, 700, 700]
    tree = build_tree(uids, balances, salts=salts)
    root = published_root(tree, SNAPSHOT, 1)
    first = tree.position_of(0)
    # Holder 1 is handed holder 0's proof: it names holder 0, so holder 1's check refuses it.
    verdict = verify_proof_json(
        proof_json(tree, root, first), expected_uid=uids[1].decode(), published_root_json=None
    )
    assert verdict.reason == "the proof is for another uid"
    # Relabelled with holder 1's uid (with either salt), the leaf hash no longer matches.
    for salt in (salts[0:32], salts[32:64]):
        proof = proof_object(tree, root, first)
        proof["leaf"]["uid"] = uids[1].decode()
        proof["leaf"]["salt"] = salt.hex()
        assert "hash" in _reason(proof)


def test_wrong_path_length_is_rejected() -> None:
    tree, root = honest_tree(5)
    proof = proof_object(tree, root, 1)
    proof["path"].pop()
    assert "path has 2 steps" in _reason(proof)
    proof = proof_object(tree, root, 1)
    proof["path"].append(dict(proof["path"][-1]))
    assert "path has 4 steps" in _reason(proof)
    proof = proof_object(tree, root, 1)
    proof["root"]["leaf_count"] = 9
    assert "needs 4" in _reason(proof)


def test_position_bits_must_match_sides() -> None:
    tree, root = honest_tree(8)
    proof = proof_object(tree, root, 5)  # 0b101: left, right, left
    assert [step["side"] for step in proof["path"]] == ["left", "right", "left"]
    proof["leaf"]["position"] = 4
    assert "position bit 0" in _reason(proof)
    proof = proof_object(tree, root, 5)
    proof["path"][1]["side"] = "left"
    assert "position bit 1" in _reason(proof)
    proof = proof_object(tree, root, 2)
    tree5, root5 = honest_tree(5)
    proof = proof_object(tree5, root5, 2)
    proof["leaf"]["position"] = 6  # a padding position: never a holder's leaf
    assert "below leaf_count" in _reason(proof)


@pytest.mark.parametrize(
    ("field", "mutate"),
    [
        ("root.hash", lambda p: p["root"].update(hash=p["root"]["hash"].upper())),
        ("root.hash", lambda p: p["root"].update(hash="0x" + p["root"]["hash"][2:])),
        ("root.hash", lambda p: p["root"].update(hash=p["root"]["hash"][:-1])),
        ("leaf.salt", lambda p: p["leaf"].update(salt=p["leaf"]["salt"][:-1] + "g")),
        ("path[0].hash", lambda p: p["path"][0].update(hash=" " + p["path"][0]["hash"][1:])),
    ],
)
def test_malformed_hex_is_rejected(field: str, mutate: Any) -> None:
    tree, root = honest_tree(2)
    proof = proof_object(tree, root, 0)
    mutate(proof)
    assert f"{field} must be 64 lower-case hex" in _reason(proof)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p["leaf"].update(balance=int(p["leaf"]["balance"])),
        lambda p: p["leaf"].update(balance=p["leaf"]["balance"] + ".0"),
        lambda p: p["leaf"].update(balance="0" + p["leaf"]["balance"]),
        lambda p: p["leaf"].update(balance="+" + p["leaf"]["balance"]),
        lambda p: p["leaf"].update(position=float(p["leaf"]["position"])),
        lambda p: p["leaf"].update(position=True),
        lambda p: p["root"].update(leaf_count="2"),
        lambda p: p.update(version="1"),
        lambda p: p.update(extra=1),
        lambda p: p["leaf"].pop("salt"),
        lambda p: p["path"][0].update(side="up"),
        lambda p: p["root"].update(snapshot="2026-11-24 00:00:00"),
        lambda p: p["root"].update(snapshot="2026-02-30T00:00:00Z"),
        lambda p: p["root"].update(ledger_height="-1"),
    ],
)
def test_malformed_fields_are_rejected(mutate: Any) -> None:
    tree, root = honest_tree(2)
    proof = proof_object(tree, root, 0)
    mutate(proof)
    _reason(proof)


def test_structural_garbage_is_rejected() -> None:
    tree, root = honest_tree(2)
    text = proof_json(tree, root, 0)
    assert not verify_proof_json(text[:-1]).accepted
    assert not verify_proof_json(b"\xff" + text).accepted
    assert not verify_proof_json(b"[]").accepted
    assert "duplicate key" in verify_proof_json(text[:-1] + b',"version":1}').reason
    assert not verify_proof_object(None).accepted


def test_proof_must_match_the_published_root_exactly() -> None:
    tree, root = honest_tree(3)
    proof = proof_object(tree, root, 0)
    proof["root"]["snapshot"] = "2026-11-25T00:00:00Z"  # not covered by the tree hash
    text = json.dumps(proof).encode()
    assert verify_proof_json(text).accepted
    verdict = verify_proof_json(text, published_root_json=root_json(root))
    assert verdict.reason == "the proof's root is not the published root"


def test_a_holder_split_over_two_leaves_has_two_proofs_covering_its_balance() -> None:
    tree = build_tree([b"big", b"big", b"small"], [600, 400, 5], salts=bytes(range(96)))
    root = published_root(tree, SNAPSHOT, 1)
    covered = 0
    for holder in (0, 1):
        verdict = verify_proof_json(
            proof_json(tree, root, tree.position_of(holder)), expected_uid="big"
        )
        assert verdict.accepted, verdict.reason
        covered += verdict.balance or 0
    assert covered == 1000
    assert tree.root_sum_minor == 1005


def test_uids_that_are_not_utf8_are_rejected() -> None:
    tree, root = honest_tree(2)
    proof = proof_object(tree, root, 0)
    proof["leaf"]["uid"] = "\ud800"
    assert "UTF-8" in _reason(proof)
