"""Row <-> record conversion shared by both stores: u128 and u64 as big-endian bytes."""

from typing import Any

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
    dp, dpo, cp, cpo = balances
    return (b16(account_id), b16(dp), b16(dpo), b16(cp), b16(cpo))


def account_from_row(row: Any) -> tuple[AccountRecord, Balances]:
    account = Account(
        id=_from(row[0], "big"),
        ledger=row[1],
        code=row[2],
        flags=row[3],
        user_data_128=_from(row[4], "big"),
        user_data_64=_from(row[5], "big"),
        user_data_32=row[6],
    )
    balances = (
        _from(row[7], "big"),
        _from(row[8], "big"),
        _from(row[9], "big"),
        _from(row[10], "big"),
    )
    return AccountRecord(account, row[11], bool(row[12])), balances


def transfer_row(t: Transfer) -> tuple[Any, ...]:
    return (
        t.id.to_bytes(16, "big"),
        t.debit_account_id.to_bytes(16, "big"),
        t.credit_account_id.to_bytes(16, "big"),
        t.amount.to_bytes(16, "big"),
        t.ledger,
        t.code,
        t.flags,
        t.pending_id.to_bytes(16, "big"),
        t.timeout,
        t.user_data_128.to_bytes(16, "big"),
        t.user_data_64.to_bytes(8, "big"),
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
