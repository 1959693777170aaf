"""SQL over the proof-of-liabilities tables, on the ledger store's connection.

Plain records (published roots, their leaves, holder keys), so plain functions in portable SQL,
as elsewhere in the platform. A root and all of its leaves are written in one transaction: a
root is never published without the leaves that let every holder get its proof.

The leaves keep each holder's salt. The salt is what keeps a proof private to its holder, and
the database already holds every balance, so it is kept with them rather than in a second store.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from digisom.errors import InvalidInput, NotFound, invariant
from digisom.reserve.limits import (
    HOLDER_KEY_BYTES,
    HOLDER_KEY_CHARS_MAX,
    HOLDER_KEY_PREFIX,
)
from digisom.reserve.por.limits import UID_BYTES_MAX
from digisom.reserve.por.proof import PublishedRoot
from digisom.reserve.por.signing import ALGORITHM, RootSignature
from digisom.storage.base import LedgerStore

ROOT_COLUMNS = (
    "id, root_hash, sum_minor, leaf_count, snapshot, ledger_height, journal_hash, public_key, "
    "signature, anchor_chain_id, anchor_tx, anchor_block, created_at_ns"
)


@dataclass(frozen=True)
class StoredRoot:
    """A published root with its signature and, once anchored, the anchor transaction."""

    id: int
    root: PublishedRoot
    journal_hash: bytes
    """The ledger journal head hash at `root.ledger_height`: ties the root to the ledger."""
    signature: RootSignature
    anchor_chain_id: int | None
    anchor_tx: bytes | None
    anchor_block: int | None
    created_at_ns: int


@dataclass(frozen=True)
class StoredLeaves:
    """Every leaf of one snapshot, in uid order: enough to rebuild its tree exactly."""

    uids: tuple[str, ...]
    balances_minor: tuple[int, ...]
    salts: bytes


def insert_root(
    store: LedgerStore,
    root: PublishedRoot,
    journal_hash: bytes,
    signature: RootSignature,
    leaves: Sequence[tuple[str, int, bytes]],
) -> int:
    """Store a signed root and its leaves (uid, balance, salt) in one transaction."""
    invariant(len(leaves) == root.leaf_count, "one stored leaf per real leaf")
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO por_roots (root_hash, sum_minor, leaf_count, snapshot, ledger_height, "
            "journal_hash, public_key, signature, created_at_ns) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (
                root.hash,
                str(root.sum_minor),
                root.leaf_count,
                root.snapshot,
                root.ledger_height,
                journal_hash,
                signature.public_key,
                signature.signature,
                time.time_ns(),
            ),
        )
        rows = store._query(f"SELECT id FROM por_roots WHERE root_hash = {p}", (root.hash,))
        invariant(len(rows) == 1, "the root was stored once")
        root_id = int(rows[0][0])
        store._bulk_insert(
            "por_leaves",
            "root_id, uid, balance_minor, salt",
            [(root_id, uid, str(balance), salt) for uid, balance, salt in leaves],
        )
    return root_id


def record_anchor(
    store: LedgerStore, root_id: int, chain_id: int, tx_hash: bytes, block: int
) -> None:
    """Note where a root was anchored; a root is anchored once."""
    p = store.p
    with store.write_transaction():
        changed = store._execute(
            f"UPDATE por_roots SET anchor_chain_id = {p}, anchor_tx = {p}, anchor_block = {p} "
            f"WHERE id = {p} AND anchor_tx IS NULL",
            (chain_id, tx_hash, block, root_id),
        )
    if changed != 1:
        raise InvalidInput(f"root {root_id} does not exist or is already anchored")


def _root(row: Any) -> StoredRoot:
    published = PublishedRoot(
        hash=bytes(row[1]),
        sum_minor=int(row[2]),
        leaf_count=int(row[3]),
        snapshot=str(row[4]),
        ledger_height=int(row[5]),
    )
    return StoredRoot(
        id=int(row[0]),
        root=published,
        journal_hash=bytes(row[6]),
        signature=RootSignature(ALGORITHM, bytes(row[7]), bytes(row[8])),
        anchor_chain_id=None if row[9] is None else int(row[9]),
        anchor_tx=None if row[10] is None else bytes(row[10]),
        anchor_block=None if row[11] is None else int(row[11]),
        created_at_ns=int(row[12]),
    )


def list_roots(store: LedgerStore, limit: int, before_id: int | None = None) -> list[StoredRoot]:
    """Published roots, newest first; `before_id` pages back through history."""
    p = store.p
    if before_id is None:
        rows = store._query(
            f"SELECT {ROOT_COLUMNS} FROM por_roots ORDER BY id DESC LIMIT {p}", (limit,)
        )
    else:
        rows = store._query(
            f"SELECT {ROOT_COLUMNS} FROM por_roots WHERE id < {p} ORDER BY id DESC LIMIT {p}",
            (before_id, limit),
        )
    return [_root(row) for row in rows]


def get_root(store: LedgerStore, root_id: int | None = None) -> StoredRoot:
    """The root `root_id`, or the newest one; NotFound if there is none."""
    if root_id is None:
        found = list_roots(store, 1)
    else:
        rows = store._query(
            f"SELECT {ROOT_COLUMNS} FROM por_roots WHERE id = {store.p}", (root_id,)
        )
        found = [_root(row) for row in rows]
    if not found:
        raise NotFound(
            "no proof-of-liabilities root is published" if root_id is None else f"no root {root_id}"
        )
    return found[0]


def load_leaves(store: LedgerStore, root_id: int) -> StoredLeaves:
    """Every leaf of a root, in uid order (read in one snapshot)."""
    uids: list[str] = []
    balances: list[int] = []
    salts = bytearray()
    with store.read_snapshot():
        for uid, balance, salt in store._stream(
            "SELECT uid, balance_minor, salt FROM por_leaves "
            f"WHERE root_id = {store.p} ORDER BY uid",
            (root_id,),
        ):
            uids.append(str(uid))
            balances.append(int(balance))
            salts += bytes(salt)
    return StoredLeaves(tuple(uids), tuple(balances), bytes(salts))


# -- holder keys ---------------------------------------------------------------------------
def _hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def create_holder_key(store: LedgerStore, uid: str) -> str:
    """A new key that lets its bearer read the proofs of `uid`, and nothing else.

    The minimal binding: one row (key hash, uid). Whoever issues the key (the wallet provider,
    in production) has checked that the person holds the account; only the hash is stored.
    """
    if not 0 < len(uid.encode("utf-8")) <= UID_BYTES_MAX:
        raise InvalidInput(f"a uid is 1 to {UID_BYTES_MAX} UTF-8 bytes")
    key = HOLDER_KEY_PREFIX + secrets.token_urlsafe(HOLDER_KEY_BYTES)
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO por_holder_keys (key_hash, uid, created_at_ns, revoked) "
            f"VALUES ({p}, {p}, {p}, 0)",
            (_hash_key(key), uid, time.time_ns()),
        )
    return key


def holder_uid_for_key(store: LedgerStore, key: str) -> str | None:
    """The uid a valid, unrevoked holder key is bound to, else None."""
    if not key.startswith(HOLDER_KEY_PREFIX) or len(key) > HOLDER_KEY_CHARS_MAX:
        return None
    rows = store._query(
        f"SELECT uid FROM por_holder_keys WHERE key_hash = {store.p} AND revoked = 0",
        (_hash_key(key),),
    )
    return str(rows[0][0]) if rows else None
