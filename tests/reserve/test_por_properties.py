"""Property tests: random balances give proofs that all verify; any changed byte is refused."""

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisom.reserve.por.proof import published_root
from digisom.reserve.por.tree import build_tree
from digisom.reserve.por.verify import verify_proof_json
from tests.reserve.support import SNAPSHOT, proof_json, reference_root, root_json

balances_strategy = st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(balances=balances_strategy, salt_seed=st.binary(min_size=32, max_size=32))
def test_random_balances_every_proof_verifies(balances: list[int], salt_seed: bytes) -> None:
    count = len(balances)
    uids = [f"h{index}".encode() for index in range(count)]
    salts = b"".join(bytes(a ^ (index % 256) for a in salt_seed) for index in range(count))
    tree = build_tree(uids, balances, salts=salts)
    assert (tree.root_hash, tree.root_sum_minor) == reference_root(uids, balances, salts)
    root = published_root(tree, SNAPSHOT, 7)
    published = root_json(root)
    for position in range(count):
        verdict = verify_proof_json(proof_json(tree, root, position), published_root_json=published)
        assert verdict.accepted, verdict.reason


@settings(max_examples=300, deadline=None)
@given(
    balances=st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=9),
    data=st.data(),
)
def test_any_single_byte_change_is_rejected(balances: list[int], data: st.DataObject) -> None:
    count = len(balances)
    uids = [f"uid-{index}".encode() for index in range(count)]
    # Fixed salts: the proof's bytes (and so the byte drawn) must not change between runs.
    salts = b"".join(hashlib.sha256(uid).digest() for uid in uids)
    tree = build_tree(uids, balances, salts=salts)
    root = published_root(tree, SNAPSHOT, 7)
    position = data.draw(st.integers(min_value=0, max_value=count - 1), label="position")
    honest = proof_json(tree, root, position)
    at = data.draw(st.integers(min_value=0, max_value=len(honest) - 1), label="byte index")
    new_byte = data.draw(st.integers(min_value=0, max_value=255).filter(lambda b: b != honest[at]))
    tampered = honest[:at] + bytes([new_byte]) + honest[at + 1 :]
    verdict = verify_proof_json(tampered, published_root_json=root_json(root))
    assert not verdict.accepted, (at, chr(honest[at]), new_byte)
