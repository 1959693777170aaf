"""The spec's three hash rules, written plainly: leaf, padding leaf and inner node.

These are the readable reference. `tree.py` inlines the same rules in its hot loops for speed, and
the tests check that the two agree; the independent verifier has its own copy (see `verify.py`).
"""

import hashlib
from typing import Final

from digisom.errors import invariant
from digisom.reserve.por.limits import BALANCE_LIMIT, SALT_BYTES, SUM_LIMIT, UID_BYTES_MAX

LEAF_TAG: Final = b"\x00"
"""Domain separation: a leaf can never be read as an inner node or a padding leaf."""

NODE_TAG: Final = b"\x01"
PADDING_TAG: Final = b"\x02"


def u32(value: int) -> bytes:
    """Big-endian fixed-width encoding; raises OverflowError outside `0 <= value < 2**32`."""
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    """Big-endian fixed-width encoding; raises OverflowError outside `0 <= value < 2**64`."""
    return value.to_bytes(8, "big")


def u128(value: int) -> bytes:
    """Big-endian fixed-width encoding; raises OverflowError outside `0 <= value < 2**128`."""
    return value.to_bytes(16, "big")


def leaf_hash(salt: bytes, uid_bytes: bytes, balance_minor: int) -> bytes:
    """`H(0x00 || salt || u32(len(uid)) || uid || u64(balance))`.

    The salt hides the uid and balance from anyone who sees a sibling hash; the length prefix
    stops a uid from borrowing bytes of the balance.
    """
    invariant(len(salt) == SALT_BYTES, "a salt is 32 bytes")
    invariant(0 < len(uid_bytes) <= UID_BYTES_MAX, "uid length within limits")
    invariant(0 <= balance_minor < BALANCE_LIMIT, "balance is a u64")
    preimage = LEAF_TAG + salt + u32(len(uid_bytes)) + uid_bytes + u64(balance_minor)
    return hashlib.sha256(preimage).digest()


def padding_hash(position: int) -> bytes:
    """`H(0x02 || u64(position))`: a padding leaf, sum 0, distinct at every position."""
    return hashlib.sha256(PADDING_TAG + u64(position)).digest()


def node_hash(left_hash: bytes, left_sum: int, right_hash: bytes, right_sum: int) -> bytes:
    """`H(0x01 || left_hash || u128(left_sum) || right_hash || u128(right_sum))`.

    Committing to both children's sums (not only their total) is what stops a prover from showing
    each child a different split of the same total.
    """
    invariant(0 <= left_sum < SUM_LIMIT and 0 <= right_sum < SUM_LIMIT, "sums are u128")
    preimage = NODE_TAG + left_hash + u128(left_sum) + right_hash + u128(right_sum)
    return hashlib.sha256(preimage).digest()


def padded_leaf_count(leaf_count: int) -> int:
    """The next power of two at or above `leaf_count`; a tree of one leaf is not padded."""
    invariant(leaf_count >= 1, "a tree has at least one leaf")
    return 1 << (leaf_count - 1).bit_length()


def tree_depth(leaf_count: int) -> int:
    """`ceil(log2(leaf_count))`: the number of siblings in every proof (0 for one leaf)."""
    invariant(leaf_count >= 1, "a tree has at least one leaf")
    return (leaf_count - 1).bit_length()
