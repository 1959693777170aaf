"""Reads and writes of the platform tables, over the ledger store's connection.

These are plain administrative records (who is who, progress of long work), so no repository
pattern: small functions in portable SQL, each write in its own short transaction. Money never
appears here; the ledger is the only place a balance lives.
"""

import hashlib
import time
from collections.abc import Sequence
from typing import Any

from digisom.errors import InvalidInput, NotFound
from digisom.platform.records import Kind, Participant, Wallet, WalletStatus
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16


def national_id_hash(national_id: str) -> bytes:
    """The pseudonymous key a national id is stored as: the number itself stays in the KYC vault."""
    return hashlib.sha256(b"digisom/national-id\x1f" + national_id.encode()).digest()


def _now_ns() -> int:
    return time.time_ns()


def insert_participant(
    store: LedgerStore, participant: Participant, national_id: str | None = None
) -> bool:
    """Store a participant; False if the same one exists, an error if a different one does."""
    found = find_participant(store, participant.id)
    if found is not None:
        if found != participant:
            raise InvalidInput(f"participant {participant.id} exists with different fields")
        return False
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO platform_participants (id, kind, name, bank_id, category, "
            f"national_id_hash, created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (
                participant.id,
                participant.kind.value,
                participant.name,
                participant.bank_id,
                participant.category,
                None if national_id is None else national_id_hash(national_id),
                _now_ns(),
            ),
        )
    return True


def insert_participants(store: LedgerStore, rows: Sequence[tuple[Participant, str | None]]) -> None:
    """Many new participants in one transaction (seeding); ids must not exist yet."""
    p = store.p
    now = _now_ns()
    with store.write_transaction():
        store._execute_many(
            "INSERT INTO platform_participants (id, kind, name, bank_id, category, "
            f"national_id_hash, created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
            [
                (
                    x.id,
                    x.kind.value,
                    x.name,
                    x.bank_id,
                    x.category,
                    None if n is None else national_id_hash(n),
                    now,
                )
                for x, n in rows
            ],
        )


def _participant(row: Any) -> Participant:
    return Participant(row[0], Kind(row[1]), row[2], row[3], row[4])


_PARTICIPANT_COLUMNS = "id, kind, name, bank_id, category"


def find_participant(store: LedgerStore, participant_id: str) -> Participant | None:
    rows = store._query(
        f"SELECT {_PARTICIPANT_COLUMNS} FROM platform_participants WHERE id = {store.p}",
        (participant_id,),
    )
    return _participant(rows[0]) if rows else None


def get_participant(store: LedgerStore, participant_id: str) -> Participant:
    found = find_participant(store, participant_id)
    if found is None:
        raise NotFound(f"participant {participant_id} not found")
    return found


def existing_participant_ids(store: LedgerStore, participant_ids: Sequence[str]) -> set[str]:
    """Which of these ids are registered already (for seeding only the new ones)."""
    out: set[str] = set()
    ids = list(dict.fromkeys(participant_ids))
    step = 1000
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        marks = ", ".join([store.p] * len(chunk))
        rows = store._query(f"SELECT id FROM platform_participants WHERE id IN ({marks})", chunk)
        out.update(str(r[0]) for r in rows)
    return out


def participants_of_kind(store: LedgerStore, kind: Kind) -> list[Participant]:
    rows = store._query(
        f"SELECT {_PARTICIPANT_COLUMNS} FROM platform_participants WHERE kind = {store.p} "
        "ORDER BY id",
        (kind.value,),
    )
    return [_participant(r) for r in rows]


def participants_by_national_id(store: LedgerStore, national_ids: Sequence[str]) -> dict[str, str]:
    """national id -> participant id, for those of `national_ids` that are registered."""
    by_hash = {national_id_hash(n): n for n in national_ids}
    out: dict[str, str] = {}
    keys = list(by_hash)
    step = 1000
    for start in range(0, len(keys), step):
        chunk = keys[start : start + step]
        marks = ", ".join([store.p] * len(chunk))
        for row in store._query(
            "SELECT national_id_hash, id FROM platform_participants "
            f"WHERE national_id_hash IN ({marks})",
            chunk,
        ):
            out[by_hash[bytes(row[0])]] = row[1]
    return out


_WALLET_COLUMNS = "id, owner_id, bank_id, tier, account_id, linked_reference, status"


_WALLET_STATUS = {status.value: status for status in WalletStatus}
"""A dict lookup: calling the enum costs a microsecond, and a payroll reads 100,000 wallets."""


def _wallet(row: Any) -> Wallet:
    return Wallet(
        row[0],
        row[1],
        row[2],
        row[3],
        int.from_bytes(row[4], "big"),
        row[5],
        _WALLET_STATUS[row[6]],
    )


def insert_wallets(store: LedgerStore, wallets: Sequence[Wallet]) -> None:
    p = store.p
    now = _now_ns()
    with store.write_transaction():
        store._execute_many(
            f"INSERT INTO platform_wallets ({_WALLET_COLUMNS}, created_at_ns) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            [
                (
                    w.id,
                    w.owner_id,
                    w.bank_id,
                    w.tier,
                    b16(w.account_id),
                    w.linked_reference,
                    w.status.value,
                    now,
                )
                for w in wallets
            ],
        )


def find_wallets(store: LedgerStore, wallet_ids: Sequence[str]) -> dict[str, Wallet]:
    out: dict[str, Wallet] = {}
    ids = list(dict.fromkeys(wallet_ids))
    step = 1000
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        marks = ", ".join([store.p] * len(chunk))
        for row in store._query(
            f"SELECT {_WALLET_COLUMNS} FROM platform_wallets WHERE id IN ({marks})", chunk
        ):
            wallet = _wallet(row)
            out[wallet.id] = wallet
    return out


def get_wallet(store: LedgerStore, wallet_id: str) -> Wallet:
    found = find_wallets(store, [wallet_id]).get(wallet_id)
    if found is None:
        raise NotFound(f"wallet {wallet_id} not found")
    return found


def wallets_of_owners(store: LedgerStore, owner_ids: Sequence[str]) -> dict[str, str]:
    """owner id -> id of the owner's first open wallet (by id), for disbursements by national id."""
    out: dict[str, str] = {}
    ids = list(dict.fromkeys(owner_ids))
    step = 1000
    for start in range(0, len(ids), step):
        chunk = ids[start : start + step]
        marks = ", ".join([store.p] * len(chunk))
        for row in store._query(
            "SELECT owner_id, id FROM platform_wallets "
            f"WHERE status = 'open' AND owner_id IN ({marks}) ORDER BY id",
            chunk,
        ):
            out.setdefault(row[0], row[1])
    return out


def update_wallet(
    store: LedgerStore, wallet_id: str, *, tier: str | None = None, status: str | None = None
) -> None:
    p = store.p
    with store.write_transaction():
        if tier is not None:
            store._execute(
                f"UPDATE platform_wallets SET tier = {p} WHERE id = {p}", (tier, wallet_id)
            )
        if status is not None:
            store._execute(
                f"UPDATE platform_wallets SET status = {p} WHERE id = {p}", (status, wallet_id)
            )
