"""The tamper-evident journal: each committed batch is chained to the one before by SHA-256.

`entry_hash = SHA-256(DOMAIN || u64(height) || previous_hash || u32(count) || record_1 .. record_n)`
where each record is a fixed-width, big-endian encoding of one applied event (see the `encode_*`
functions; the first byte names the kind). Failed events are not records: they changed nothing.
Recomputing the chain from the stored rows detects a changed, removed, inserted or reordered row.
The head (height, hash) is what later layers sign and anchor on chain.
"""

import hashlib
import struct
from enum import IntEnum

from digisom.ledger.model import Account, Transfer

DOMAIN = b"digisom-journal-v1"


class RecordKind(IntEnum):
    """The first byte of every journal record."""

    ACCOUNT = 1
    TRANSFER = 2
    EXPIRY = 3
    FREEZE = 4
    UNFREEZE = 5


_ACCOUNT = struct.Struct(">B16s16sQIIHHQ")
_TRANSFER = struct.Struct(">B16s16s16s16s16s16sQIIIHHQ")
_ACCOUNT_EVENT = struct.Struct(">B16sQ")


def encode_account(a: Account, timestamp: int) -> bytes:
    """kind, id, user_data_128, user_data_64, user_data_32, ledger, code, flags, timestamp."""
    return _ACCOUNT.pack(
        RecordKind.ACCOUNT,
        a.id.to_bytes(16, "big"),
        a.user_data_128.to_bytes(16, "big"),
        a.user_data_64,
        a.user_data_32,
        a.ledger,
        a.code,
        a.flags,
        timestamp,
    )


def encode_transfer(t: Transfer) -> bytes:
    """kind, id, debit, credit, amount, pending_id, user_data_128, user_data_64, user_data_32,
    timeout, ledger, code, flags, timestamp."""
    return _TRANSFER.pack(
        RecordKind.TRANSFER,
        t.id.to_bytes(16, "big"),
        t.debit_account_id.to_bytes(16, "big"),
        t.credit_account_id.to_bytes(16, "big"),
        t.amount.to_bytes(16, "big"),
        t.pending_id.to_bytes(16, "big"),
        t.user_data_128.to_bytes(16, "big"),
        t.user_data_64,
        t.user_data_32,
        t.timeout,
        t.ledger,
        t.code,
        t.flags,
        t.timestamp,
    )


def encode_account_event(kind: RecordKind, account_or_transfer_id: int, timestamp: int) -> bytes:
    """An expiry (of a pending transfer) or a freeze/unfreeze (of an account)."""
    return _ACCOUNT_EVENT.pack(kind, account_or_transfer_id.to_bytes(16, "big"), timestamp)


def chain_hash(height: int, previous_hash: bytes, record_count: int, records: bytes) -> bytes:
    """Return the hash of the journal entry at `height` over its `record_count` records,
    concatenated in timestamp order."""
    digest = hashlib.sha256()
    digest.update(DOMAIN)
    digest.update(height.to_bytes(8, "big"))
    digest.update(previous_hash)
    digest.update(record_count.to_bytes(4, "big"))
    digest.update(records)
    return digest.digest()
