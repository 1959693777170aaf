"""What an export holds: each table, each column, and how its values are written.

Values are written so that any tool reads them without digisom: 128-bit ids, amounts and
balances (stored as 16-byte big-endian binary) become decimal strings, 64-bit user data too;
hashes, salts and signatures become lower-case hex; integers stay integers (int64) and text stays
text. `Kind` says how each column maps both ways, so the importer restores the exact bytes.

Only the ledger's tables and the reserve area's are listed; another area adds its tables here
(or in a list of its own) when it wants them exported.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from digisom.errors import InvalidInput


class Kind(StrEnum):
    U128 = "u128"
    """16-byte big-endian binary <-> decimal string."""
    U64 = "u64"
    """8-byte big-endian binary <-> decimal string."""
    INT = "int"
    """Integer <-> int64."""
    HEX = "hex"
    """Binary <-> lower-case hex string."""
    TEXT = "text"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    order_by: str
    """A key that orders rows the same way on every database (exports are reproducible)."""
    serial: str | None = None
    """An auto-increment id column whose sequence PostgreSQL must move past imported rows."""


def _c(spec: str) -> tuple[Column, ...]:
    """`name:kind[?]` items separated by spaces; `?` marks a nullable column."""
    columns = []
    for item in spec.split():
        name, kind = item.split(":")
        columns.append(Column(name, Kind(kind.rstrip("?")), kind.endswith("?")))
    return tuple(columns)


BALANCES = "debits_pending:u128 debits_posted:u128 credits_pending:u128 credits_posted:u128"

LEDGER_TABLES = (
    Table(
        "accounts",
        _c(
            "id:u128 ledger:int code:int flags:int user_data_128:u128 user_data_64:u64 "
            "user_data_32:int timestamp:int frozen:int"
        ),
        "timestamp",
    ),
    Table("balances", _c(f"id:u128 {BALANCES}"), "id"),
    Table(
        "transfers",
        _c(
            "timestamp:int id:u128 debit_account_id:u128 credit_account_id:u128 amount:u128 "
            "pending_id:u128 user_data_128:u128 user_data_64:u64 user_data_32:int timeout:int "
            "ledger:int code:int flags:int"
        ),
        "timestamp",
    ),
    Table("pending_transfers", _c("id:u128 status:int expires_at:int resolved_at:int?"), "id"),
    Table("account_events", _c("timestamp:int account_id:u128 kind:int reason:text"), "timestamp"),
    Table(
        "account_history", _c(f"account_id:u128 timestamp:int {BALANCES}"), "account_id, timestamp"
    ),
    Table(
        "journal",
        _c(
            "height:int hash:hex previous_hash:hex first_timestamp:int last_timestamp:int "
            "record_count:int committed_at_ns:int"
        ),
        "height",
    ),
)

RESERVE_TABLES = (
    Table(
        "por_roots",
        _c(
            "id:int root_hash:hex sum_minor:text leaf_count:int snapshot:text ledger_height:int "
            "journal_hash:hex public_key:hex signature:hex anchor_chain_id:int? anchor_tx:hex? "
            "anchor_block:int? created_at_ns:int"
        ),
        "id",
        serial="id",
    ),
    Table("por_leaves", _c("root_id:int uid:text balance_minor:text salt:hex"), "root_id, uid"),
    Table("por_holder_keys", _c("key_hash:hex uid:text created_at_ns:int revoked:int"), "key_hash"),
    Table(
        "reserve_holdings",
        _c(
            "id:int portfolio:text asset:text decimals:int source:text chain_id:int? "
            "address:text? token_contract:text? ledger_account_id:u128? amount_units:text? "
            "evidence:text created_at_ns:int"
        ),
        "id",
        serial="id",
    ),
    Table(
        "reserve_valuations",
        _c(
            "id:int taken_at_ns:int backing_som_minor:text crypto_usd_minor:text "
            "crypto_som_minor:text kgst_supply_minor:text? ratio_bps:int? details:text"
        ),
        "id",
        serial="id",
    ),
    Table(
        "reserve_valuation_prices",
        _c(
            "valuation_id:int base:text quote:text numerator:text denominator:text source:text "
            "observed_at:text"
        ),
        "valuation_id, base, quote",
    ),
    Table(
        "reserve_attestations",
        _c("round_id:text address:text scheme:text message:text signature:text verified_at_ns:int"),
        "round_id, address",
    ),
)

ALL_TABLES = LEDGER_TABLES + RESERVE_TABLES


def to_open(kind: Kind, value: Any) -> Any:
    """A database value as written to the export."""
    if value is None:
        return None
    if kind in (Kind.U128, Kind.U64):
        return str(int.from_bytes(bytes(value), "big"))
    if kind is Kind.HEX:
        return bytes(value).hex()
    if kind is Kind.INT:
        return int(value)
    return str(value)


def from_open(kind: Kind, value: Any, where: str) -> Any:
    """An exported value back to what the database stores; bad values name their place."""
    if value is None:
        return None
    try:
        if kind is Kind.U128:
            return _digits(value).to_bytes(16, "big")
        if kind is Kind.U64:
            return _digits(value).to_bytes(8, "big")
        if kind is Kind.HEX:
            text = str(value)
            if text != text.lower():
                raise ValueError("upper-case hex")
            return bytes.fromhex(text)
        if kind is Kind.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not an integer")
            return value
        return str(value)
    except (ValueError, OverflowError) as error:
        raise InvalidInput(f"{where}: {value!r} is not a valid {kind.value} ({error})") from None


def _digits(value: Any) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise ValueError("not a plain decimal")
    return int(text)
