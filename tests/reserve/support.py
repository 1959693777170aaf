"""Helpers for proof-of-liabilities tests: a naive reference tree and honest proofs.

The reference uses hashlib directly, step by step from the spec, sharing no code with the fast
builder, so comparing the two catches a bug in either.
"""

import hashlib
import json
import random
from typing import Any

from digisom.reserve.por.proof import (
    PublishedRoot,
    proof_for_position,
    proof_to_json,
    published_root,
    root_to_json,
)
from digisom.reserve.por.tree import SumTree, build_tree

SNAPSHOT = "2026-11-24T00:00:00Z"


def reference_root(uids: list[bytes], balances: list[int], salts: bytes) -> tuple[bytes, int]:
    """The spec, literally: hash leaves, sort, pad, then pair up level by level."""
    leaves = []
    for index, (uid, balance) in enumerate(zip(uids, balances, strict=True)):
        salt = salts[32 * index : 32 * index + 32]
        preimage = b"\x00" + salt + len(uid).to_bytes(4, "big") + uid + balance.to_bytes(8, "big")
        leaves.append((hashlib.sha256(preimage).digest(), balance))
    leaves.sort()
    padded = 1
    while padded < len(leaves):
        padded *= 2
    for position in range(len(leaves), padded):
        leaves.append((hashlib.sha256(b"\x02" + position.to_bytes(8, "big")).digest(), 0))
    level = leaves
    while len(level) > 1:
        level = [
            (
                hashlib.sha256(
                    b"\x01"
                    + level[i][0]
                    + level[i][1].to_bytes(16, "big")
                    + level[i + 1][0]
                    + level[i + 1][1].to_bytes(16, "big")
                ).digest(),
                level[i][1] + level[i + 1][1],
            )
            for i in range(0, len(level), 2)
        ]
    return level[0]


def random_holders(count: int, seed: int) -> tuple[list[bytes], list[int], bytes]:
    """Deterministic holders with balances across the whole u64 range and fixed salts."""
    rng = random.Random(seed)
    uids = [f"wallet-{seed}-{index}".encode() for index in range(count)]
    balances = [rng.choice([0, 1, rng.randrange(10**6), 2**64 - 1]) for _ in range(count)]
    salts = rng.randbytes(32 * count)
    return uids, balances, salts


def honest_tree(
    count: int, seed: int = 1, workers: int | None = None
) -> tuple[SumTree, PublishedRoot]:
    """A built tree over `random_holders` and its root record."""
    uids, balances, salts = random_holders(count, seed)
    tree = build_tree(uids, balances, salts=salts, workers=workers)
    return tree, published_root(tree, SNAPSHOT, 991)


def proof_json(tree: SumTree, root: PublishedRoot, position: int) -> bytes:
    """The proof bytes exactly as `digisom por build` writes them (without the newline)."""
    return proof_to_json(proof_for_position(tree, root, position))


def proof_object(tree: SumTree, root: PublishedRoot, position: int) -> dict[str, Any]:
    """A proof as a mutable JSON object, for tampering."""
    loaded: dict[str, Any] = json.loads(proof_json(tree, root, position))
    return loaded


def root_json(root: PublishedRoot) -> bytes:
    """The published root.json bytes."""
    return root_to_json(root)
