"""Row <-> record conversion shared by both stores: u128 and u64 as big-endian bytes."""

import struct
from collections.abc import Iterable, Iterator
from typing import Any

from digisom.errors import invariant
from digisom.ledger.engine import AccountRecord, Balances
from digisom.ledger.model import Account, Transfer

ACCOUNT_COLUMNS = (
    "id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp, frozen"
)
BALANCE_COLUMNS = "id, debits_pending, debits_posted, credits_pending, credits_posted"
ACCOUNT_SELECT = (
    "SELECT a.id, a.ledger, a.code, a.flags, a.user_data_128, a.user_data_64, a.user_data_32, "
    "b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted, a.timestamp, "
    "a.frozen FROM accounts a JOIN balances b ON b.id = a.id"
)
"""An account with its balances, in the column order `account_from_row` reads."""
TRANSFER_COLUMNS = (
    "id, debit_account_id, credit_account_id, amount, ledger, code, flags, pending_id, "
    "timeout, user_data_128, user_data_64, user_data_32, timestamp"
)

_from = int.from_bytes
_to = int.to_bytes


def b16(value: int) -> bytes:
    return value.to_bytes(16, "big")


def b8(value: int) -> bytes:
    return value.to_bytes(8, "big")


def account_row(record: AccountRecord) -> tuple[Any, ...]:
    a = record.account
    return (
        b16(a.id),
        a.ledger,
        a.code,
        a.flags,
        b16(a.user_data_128),
        b8(a.user_data_64),
        a.user_data_32,
        record.timestamp,
        int(record.frozen),
    )


def balance_row(account_id: int, balances: Balances) -> tuple[bytes, ...]:
    to = _to
    dp, dpo, cp, cpo = balances
    return (
        to(account_id, 16, "big"),
        to(dp, 16, "big"),
        to(dpo, 16, "big"),
        to(cp, 16, "big"),
        to(cpo, 16, "big"),
    )


def account_from_row(row: Any) -> tuple[AccountRecord, Balances]:
    f = _from
    account = Account(
        f(row[0], "big"), row[1], row[2], row[3], f(row[4], "big"), f(row[5], "big"), row[6]
    )
    balances = (f(row[7], "big"), f(row[8], "big"), f(row[9], "big"), f(row[10], "big"))
    return AccountRecord(account, row[11], bool(row[12])), balances


def transfer_row(t: Transfer) -> tuple[Any, ...]:
    to = _to
    return (
        to(t.id, 16, "big"),
        to(t.debit_account_id, 16, "big"),
        to(t.credit_account_id, 16, "big"),
        to(t.amount, 16, "big"),
        t.ledger,
        t.code,
        t.flags,
        to(t.pending_id, 16, "big"),
        t.timeout,
        to(t.user_data_128, 16, "big"),
        to(t.user_data_64, 8, "big"),
        t.user_data_32,
        t.timestamp,
    )


def transfer_from_row(row: Any) -> Transfer:
    return Transfer(
        _from(row[0], "big"),
        _from(row[1], "big"),
        _from(row[2], "big"),
        _from(row[3], "big"),
        row[4],
        row[5],
        row[6],
        _from(row[7], "big"),
        row[8],
        _from(row[9], "big"),
        _from(row[10], "big"),
        row[11],
        row[12],
    )


BALANCE_ENTRY_BYTES = 80
"""One account's balances as a checkpoint hands them to the store: id and four balances, 16
big-endian bytes each (the columns of `balances`)."""
ZERO_BALANCES: Balances = (0, 0, 0, 0)
_U128_MASK = (1 << 128) - 1


def pack_log_row(items: Iterable[tuple[int, Balances]]) -> bytes:
    """Accounts' balances as one `balance_log` row: per account the id and the four balances,
    each an unsigned LEB128 varint (7 bits a byte, least significant first, the high bit set on
    every byte but the last). The readable form of what the native code writes and reads
    (TransferBatch.balance_log_row, BalanceMap.apply_log_row); for tests and migrations."""
    out = bytearray()
    for account_id, balances in items:
        for value in (account_id, *balances):
            invariant(0 <= value <= _U128_MASK, "a u128")
            while value > 0x7F:
                out.append(value & 0x7F | 0x80)
                value >>= 7
            out.append(value)
    return bytes(out)


def unpack_log_row(row: bytes) -> Iterator[tuple[int, Balances]]:
    values: list[int] = []
    value = shift = 0
    for byte in row:
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte & 0x80:
            continue
        values.append(value)
        value = shift = 0
        if len(values) == 5:
            yield values[0], (values[1], values[2], values[3], values[4])
            values = []
    invariant(not values and shift == 0, "a balance log row of whole entries")


def pack_balances(items: Iterable[tuple[int, Balances]]) -> bytes:
    """Accounts' balances as fixed 80-byte entries (the readable form of what
    BalanceMap.packed_sorted hands a checkpoint)."""
    return b"".join(
        ((((i << 128 | dp) << 128 | dpo) << 128 | cp) << 128 | cpo).to_bytes(
            BALANCE_ENTRY_BYTES, "big"
        )
        for i, (dp, dpo, cp, cpo) in items
    )


TRANSFER_RECORD_COLUMNS = (
    "id, debit_account_id, credit_account_id, amount, pending_id, user_data_128, "
    "user_data_64, user_data_32, timeout, ledger, code, flags, timestamp"
)
"""The `transfers` columns in the order a journal record holds them."""
_TRANSFER_RECORD_ROW = struct.Struct(">x16s16s16s16s16s16s8sIIIHHQ")
"""A journal record (digisom.ledger.journal.encode_transfer) read as a row of
`TRANSFER_RECORD_COLUMNS`: the kind byte skipped, user_data_64 kept as 8 bytes."""


def transfer_rows_from_records(records: bytes) -> list[tuple[Any, ...]]:
    """`transfers` rows (in `TRANSFER_RECORD_COLUMNS` order) from concatenated journal records:
    the u128s are already the 16 big-endian bytes the databases store."""
    return list(_TRANSFER_RECORD_ROW.iter_unpack(records))
