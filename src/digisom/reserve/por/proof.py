"""The published root and the inclusion proof as records, and their exact JSON (spec version 1).

Field names, order and types follow docs/proof-of-liabilities.md and the public spec: amounts
(`sum`, `balance`) and `ledger_height` are decimal strings; `leaf_count`, `position` and `version`
are JSON numbers, as in the spec's example; hex is lower case without `0x`. Proofs are written as
compact ASCII JSON so that every byte carries meaning (a changed byte changes a value or breaks the
syntax), and the root's canonical JSON is the byte string the issuer signs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from digisom.errors import InvalidInput, invariant
from digisom.reserve.por.limits import BALANCE_LIMIT, HASH_BYTES, SALT_BYTES, SUM_LIMIT
from digisom.reserve.por.tree import SumTree

PROOF_VERSION = 1
LEDGER_HEIGHT_LIMIT = 2**64
"""A ledger height is a u64 journal position."""


@dataclass(frozen=True)
class PublishedRoot:
    """What the issuer publishes, signs and anchors for one snapshot."""

    hash: bytes
    """The root hash (32 bytes)."""
    sum_minor: int
    """Total liabilities in minor units."""
    leaf_count: int
    """Real leaves, before padding."""
    snapshot: str
    """The snapshot time, ISO-8601 UTC to the second: `YYYY-MM-DDTHH:MM:SSZ`."""
    ledger_height: int
    """The ledger journal position the balances were read at (0 when built from a file)."""


@dataclass(frozen=True)
class ProofLeaf:
    """The holder's own leaf: everything needed to recompute its hash."""

    uid: str
    salt: bytes
    balance_minor: int
    position: int
    """Index of the leaf among the sorted, padded leaves."""


@dataclass(frozen=True)
class ProofStep:
    """A sibling on the way up; `side` is where the sibling stands."""

    side: str
    hash: bytes
    sum_minor: int


@dataclass(frozen=True)
class InclusionProof:
    """One holder's proof that its leaf is counted in the published root."""

    root: PublishedRoot
    leaf: ProofLeaf
    path: tuple[ProofStep, ...]


def snapshot_text(moment: datetime) -> str:
    """The spec's snapshot string; naive or non-UTC times are refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() != UTC.utcoffset(None):
        raise InvalidInput("the snapshot time must be timezone-aware UTC")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def published_root(tree: SumTree, snapshot: str, ledger_height: int) -> PublishedRoot:
    """The root record of a built tree."""
    if not 0 <= ledger_height < LEDGER_HEIGHT_LIMIT:
        raise InvalidInput("the ledger height must be an integer in [0, 2**64)")
    invariant(0 <= tree.root_sum_minor < SUM_LIMIT, "the root sum is a u128")
    return PublishedRoot(
        tree.root_hash, tree.root_sum_minor, tree.leaf_count, snapshot, ledger_height
    )


def proof_for_position(tree: SumTree, root: PublishedRoot, position: int) -> InclusionProof:
    """The proof of the leaf at `position` (see `SumTree.position_of` for a holder's)."""
    invariant(root.hash == tree.root_hash, "the root belongs to this tree")
    holder = tree.holder_at(position)
    balance_minor = tree.balances_minor[holder]
    invariant(0 <= balance_minor < BALANCE_LIMIT, "a balance is a u64")
    leaf = ProofLeaf(
        uid=tree.uid_bytes[holder].decode("utf-8"),
        salt=tree.salt(holder),
        balance_minor=balance_minor,
        position=position,
    )
    path = tuple(
        ProofStep(step.side, step.hash, step.sum_minor) for step in tree.siblings(position)
    )
    return InclusionProof(root, leaf, path)


def root_to_object(root: PublishedRoot) -> dict[str, Any]:
    """The root as the spec's JSON object (key order as in the spec)."""
    invariant(len(root.hash) == HASH_BYTES, "a root hash is 32 bytes")
    return {
        "hash": root.hash.hex(),
        "sum": str(root.sum_minor),
        "leaf_count": root.leaf_count,
        "snapshot": root.snapshot,
        "ledger_height": str(root.ledger_height),
    }


def proof_to_object(proof: InclusionProof) -> dict[str, Any]:
    """The proof as the spec's JSON object."""
    invariant(len(proof.leaf.salt) == SALT_BYTES, "a salt is 32 bytes")
    return {
        "version": PROOF_VERSION,
        "root": root_to_object(proof.root),
        "leaf": {
            "uid": proof.leaf.uid,
            "salt": proof.leaf.salt.hex(),
            "balance": str(proof.leaf.balance_minor),
            "position": proof.leaf.position,
        },
        "path": [
            {"side": step.side, "hash": step.hash.hex(), "sum": str(step.sum_minor)}
            for step in proof.path
        ],
    }


def proof_to_json(proof: InclusionProof) -> bytes:
    """Compact ASCII JSON of a proof, no trailing newline."""
    return _compact(proof_to_object(proof))


def root_to_json(root: PublishedRoot) -> bytes:
    """Compact ASCII JSON of the root in the spec's key order (for `root.json`)."""
    return _compact(root_to_object(root))


def canonical_root_json(root: PublishedRoot) -> bytes:
    """The bytes the issuer signs: keys sorted, no whitespace, ASCII (RFC 8785 for this object).

    Every value of the root is an ASCII string or a non-negative integer below 2**53, for which
    RFC 8785 (JCS) and `json.dumps(sort_keys=True, separators=(",", ":"))` give the same bytes.
    """
    invariant(root.leaf_count < 2**53, "leaf_count is an exact JSON number")
    return json.dumps(
        root_to_object(root), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def _compact(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")
