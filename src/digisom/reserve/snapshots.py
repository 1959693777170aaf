"""Proof of liabilities from the ledger: snapshot, sign, store, anchor; and one holder's proof.

`publish_snapshot` is the whole use case: read every liability holder at one ledger height (in
one read snapshot), build the spec's sum tree with fresh salts, sign the root with the issuer
key, store root and leaves in one transaction and, if a chain is given, anchor the root hash.
The root is stored before it is anchored: an anchor that fails leaves a signed, unanchored root
that `digisom por anchor` can anchor later, never an anchor on chain for a root we lost.

`proof_for_uid` rebuilds a stored snapshot's tree from its leaves (with their stored salts),
checks it gives the stored root hash, and extracts the holder's proof. Rebuilt trees are cached
per root hash, so serving many holders of the newest snapshot costs one rebuild.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from web3 import Web3

from digisom.errors import InvalidInput, NotFound, invariant
from digisom.reserve.anchor import Anchor, anchor_root
from digisom.reserve.liabilities import (
    DEFAULT_SELECTION,
    ExtraHolders,
    HolderSelection,
    read_liabilities,
)
from digisom.reserve.limits import TREE_CACHE_ENTRIES
from digisom.reserve.por.proof import (
    InclusionProof,
    proof_for_position,
    published_root,
    snapshot_text,
)
from digisom.reserve.por.signing import sign_root
from digisom.reserve.por.tree import SumTree, build_tree
from digisom.reserve.por_store import (
    StoredRoot,
    get_root,
    insert_root,
    load_leaves,
    record_anchor,
)
from digisom.storage.base import LedgerStore


@dataclass(frozen=True)
class AnchorTarget:
    """A chain client and the key that pays for the anchor transaction."""

    w3: Web3
    signer: Any


def publish_snapshot(
    store: LedgerStore,
    issuer_key: Ed25519PrivateKey,
    *,
    anchor: AnchorTarget | None = None,
    selection: HolderSelection = DEFAULT_SELECTION,
    extra_holders: ExtraHolders | None = None,
    moment: datetime | None = None,
) -> StoredRoot:
    """Snapshot the liabilities now, publish the signed root, anchor it if asked."""
    liabilities = read_liabilities(store, selection, extra_holders)
    if not liabilities.uids:
        raise InvalidInput(
            f"no liability holders on ledger {selection.ledger} at height "
            f"{liabilities.ledger_height}: nothing to publish"
        )
    uid_bytes = [uid.encode("utf-8") for uid in liabilities.uids]
    tree = build_tree(uid_bytes, liabilities.balances_minor)
    invariant(tree.root_sum_minor == sum(liabilities.balances_minor), "root sum is the total")
    when = snapshot_text(moment or datetime.now(UTC))
    root = published_root(tree, when, liabilities.ledger_height)
    signature = sign_root(root, issuer_key)
    leaves = [
        (uid, balance, tree.salt(index))
        for index, (uid, balance) in enumerate(
            zip(liabilities.uids, liabilities.balances_minor, strict=True)
        )
    ]
    root_id = insert_root(store, root, liabilities.journal_hash, signature, leaves)
    _remember(tree)
    if anchor is not None:
        anchor_stored_root(store, root_id, anchor)
    return get_root(store, root_id)


def anchor_stored_root(store: LedgerStore, root_id: int, target: AnchorTarget) -> Anchor:
    """Anchor a stored, not yet anchored root on chain and record the transaction."""
    stored = get_root(store, root_id)
    if stored.anchor_tx is not None:
        raise InvalidInput(f"root {root_id} is already anchored in {stored.anchor_tx.hex()}")
    done = anchor_root(target.w3, target.signer, stored.root)
    record_anchor(store, root_id, done.chain_id, done.tx_hash, done.block_number)
    return done


def proof_for_uid(store: LedgerStore, uid: str, root_id: int | None = None) -> InclusionProof:
    """The holder's proof in root `root_id` (default: the newest); NotFound if not a holder."""
    stored = get_root(store, root_id)
    tree = _tree_of(store, stored)
    try:
        holder = _holder_index(tree, uid)
    except KeyError:
        raise NotFound(f"{uid} is not a holder in root {stored.id}") from None
    return proof_for_position(tree, stored.root, tree.position_of(holder))


# -- the rebuilt-tree cache ----------------------------------------------------------------
_cache_lock = threading.Lock()
_trees: OrderedDict[bytes, tuple[SumTree, dict[bytes, int]]] = OrderedDict()


def _remember(tree: SumTree) -> tuple[SumTree, dict[bytes, int]]:
    entry = (tree, {uid: index for index, uid in enumerate(tree.uid_bytes)})
    with _cache_lock:
        _trees[tree.root_hash] = entry
        while len(_trees) > TREE_CACHE_ENTRIES:
            _trees.popitem(last=False)
    return entry


def _tree_of(store: LedgerStore, stored: StoredRoot) -> SumTree:
    with _cache_lock:
        cached = _trees.get(stored.root.hash)
    if cached is not None:
        return cached[0]
    leaves = load_leaves(store, stored.id)
    tree = build_tree(
        [uid.encode("utf-8") for uid in leaves.uids], leaves.balances_minor, salts=leaves.salts
    )
    # Tampered leaves (a changed balance, salt or a removed holder) cannot give the same hash.
    invariant(tree.root_hash == stored.root.hash, f"stored leaves rebuild root {stored.id}")
    invariant(tree.leaf_count == stored.root.leaf_count, "leaf count of the stored root")
    return _remember(tree)[0]


def _holder_index(tree: SumTree, uid: str) -> int:
    with _cache_lock:
        entry = _trees.get(tree.root_hash)
    index_of = entry[1] if entry is not None else {u: i for i, u in enumerate(tree.uid_bytes)}
    return index_of[uid.encode("utf-8")]
