"""The fast builder against the naive reference, in one process and across two."""

import hashlib
from array import array

import pytest

from digisom.errors import InvalidInput
from digisom.reserve.por import hashing
from digisom.reserve.por.tree import RECORD_BYTES, build_tree, combine_level
from tests.reserve.support import random_holders, reference_root

SIZES = [1, 2, 3, 5, 8, 1000]


@pytest.mark.parametrize("count", SIZES)
def test_builder_matches_reference(count: int) -> None:
    uids, balances, salts = random_holders(count, seed=count)
    tree = build_tree(uids, balances, salts=salts, workers=1)
    assert (tree.root_hash, tree.root_sum_minor) == reference_root(uids, balances, salts)
    assert tree.root_sum_minor == sum(balances)
    assert tree.leaf_count == count
    assert tree.depth == hashing.tree_depth(count)


@pytest.mark.parametrize("count", [2, 3, 1000, 4097])
def test_two_workers_build_the_same_tree_as_one(count: int) -> None:
    uids, balances, salts = random_holders(count, seed=7)
    single = build_tree(uids, balances, salts=salts, workers=1)
    double = build_tree(uids, balances, salts=salts, workers=2)
    assert [bytes(level) for level in single.levels] == [bytes(level) for level in double.levels]
    assert bytes(single.holder_by_position) == bytes(double.holder_by_position)
    assert double.root_hash == reference_root(uids, balances, salts)[0]


def test_levels_are_sorted_leaves_then_padding_then_inner_nodes() -> None:
    uids, balances, salts = random_holders(5, seed=3)
    tree = build_tree(uids, balances, salts=salts, workers=1)
    level0 = tree.levels[0]
    records = [level0[i * RECORD_BYTES : (i + 1) * RECORD_BYTES] for i in range(8)]
    real = [record[:32] for record in records[:5]]
    assert real == sorted(real)
    for position in range(5, 8):
        assert records[position] == hashing.padding_hash(position) + bytes(16)
    for position in range(5):
        holder = tree.holder_at(position)
        salt = salts[32 * holder : 32 * holder + 32]
        assert real[position] == hashing.leaf_hash(salt, uids[holder], balances[holder])
        assert tree.position_of(holder) == position
    assert bytes(tree.levels[1]) == bytes(combine_level(bytes(level0)))


def test_fresh_salts_differ_per_holder_and_per_build() -> None:
    uids, balances, _ = random_holders(4, seed=5)
    first, second = build_tree(uids, balances), build_tree(uids, balances)
    salts = [first.salt(i) for i in range(4)] + [second.salt(i) for i in range(4)]
    assert len(set(salts)) == 8
    assert all(len(salt) == 32 for salt in salts)
    assert first.root_hash != second.root_hash
    assert first.root_sum_minor == second.root_sum_minor == sum(balances)


def test_combine_level_is_the_node_rule() -> None:
    left, right = hashlib.sha256(b"l").digest(), hashlib.sha256(b"r").digest()
    below = left + (2**100).to_bytes(16, "big") + right + (5).to_bytes(16, "big")
    above = combine_level(below)
    assert bytes(above) == hashing.node_hash(left, 2**100, right, 5) + (2**100 + 5).to_bytes(16)


@pytest.mark.parametrize(
    ("uids", "balances", "message"),
    [
        ([b"a"], [-1], "balance"),
        ([b"a"], [2**64], "balance"),
        ([b"a"], [1.0], "balance"),
        ([], [], "1 to"),
        ([b"a", b"b"], [1], "one balance per uid"),
        ([b""], [1], "uid"),
        ([b"x" * 65], [1], "uid"),
        (["text"], [1], "bytes"),
    ],
)
def test_unencodable_inputs_are_refused(
    uids: list[bytes], balances: list[int], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        build_tree(uids, balances)


def test_salts_of_the_wrong_size_are_refused() -> None:
    with pytest.raises(InvalidInput, match="salts"):
        build_tree([b"a"], array("Q", [1]), salts=bytes(31))
