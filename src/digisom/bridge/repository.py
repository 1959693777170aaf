"""SQL over the bridge's tables, on the ledger store's own connection.

The bridge shares the ledger's connection so that an outbox row and the ledger transfer it goes
with commit in one database transaction (see `outbox.py`). Plain admin records (tokens, holders,
alerts) get plain functions here, as in the rest of the platform; no ORM.
"""

import time
from collections.abc import Iterable, Sequence
from typing import Any

from digisom.bridge.limits import ALERT_DETAIL_LENGTH_MAX, ERROR_LENGTH_MAX
from digisom.bridge.model import (
    EventStatus,
    Operation,
    OperationKind,
    OperationStatus,
    Token,
)
from digisom.errors import invariant
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16

OPERATION_COLUMNS = (
    "id, kind, chain_id, symbol, address, amount_minor, pending_transfer_id, status, sender, "
    "nonce, gas_limit, max_fee_per_gas, max_priority_fee_per_gas, raw_tx, tx_hash, mined_block, "
    "sent_at_ns, bumps, error"
)


def _u128(value: Any) -> int:
    return int.from_bytes(bytes(value), "big")


def _bytes(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


def _operation(row: Sequence[Any]) -> Operation:
    return Operation(
        id=_u128(row[0]),
        kind=OperationKind(row[1]),
        chain_id=int(row[2]),
        symbol=str(row[3]),
        address=str(row[4]),
        amount_minor=int(row[5]),
        pending_transfer_id=_u128(row[6]),
        status=OperationStatus(row[7]),
        sender=row[8],
        nonce=row[9],
        gas_limit=row[10],
        max_fee_per_gas=row[11],
        max_priority_fee_per_gas=row[12],
        raw_tx=_bytes(row[13]),
        tx_hash=_bytes(row[14]),
        mined_block=row[15],
        sent_at_ns=row[16],
        bumps=int(row[17]),
        error=row[18],
    )


class BridgeRepository:
    """Reads and writes of the bridge tables; the caller decides the transaction."""

    def __init__(self, store: LedgerStore) -> None:
        self.store = store
        self.p = store.p

    # -- tokens --------------------------------------------------------------------------
    def insert_token(self, token: Token) -> None:
        p = self.p
        self.store._execute(
            "INSERT INTO bridge_tokens (chain_id, symbol, address, decimals, escrow_account_id, "
            f"start_block, created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (
                token.chain_id,
                token.symbol,
                token.address,
                token.decimals,
                b16(token.escrow_account_id),
                token.start_block,
                time.time_ns(),
            ),
        )

    def tokens(self, chain_id: int | None = None) -> list[Token]:
        sql = (
            "SELECT chain_id, symbol, address, decimals, escrow_account_id, start_block "
            "FROM bridge_tokens"
        )
        params: tuple[Any, ...] = ()
        if chain_id is not None:
            sql += f" WHERE chain_id = {self.p}"
            params = (chain_id,)
        rows = self.store._query(sql + " ORDER BY chain_id, symbol", params)
        return [Token(int(r[0]), r[1], r[2], int(r[3]), _u128(r[4]), int(r[5])) for r in rows]

    # -- operations ----------------------------------------------------------------------
    def insert_operation(self, operation: Operation, request_hash: bytes) -> None:
        p = self.p
        now = time.time_ns()
        self.store._execute(
            "INSERT INTO bridge_operations (id, kind, chain_id, symbol, address, amount_minor, "
            "request_hash, pending_transfer_id, status, bumps, created_at_ns, updated_at_ns) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, 0, {p}, {p})",
            (
                b16(operation.id),
                operation.kind.value,
                operation.chain_id,
                operation.symbol,
                operation.address,
                operation.amount_minor,
                request_hash,
                b16(operation.pending_transfer_id),
                operation.status.value,
                now,
                now,
            ),
        )

    def operation(self, operation_id: int) -> tuple[Operation, bytes] | None:
        rows = self.store._query(
            f"SELECT {OPERATION_COLUMNS}, request_hash FROM bridge_operations WHERE id = {self.p}",
            (b16(operation_id),),
        )
        return (_operation(rows[0]), bytes(rows[0][19])) if rows else None

    def operations(
        self, statuses: Iterable[OperationStatus], chain_id: int, limit: int
    ) -> list[Operation]:
        """Operations in these states, oldest first (nonce order once signed)."""
        wanted = [s.value for s in statuses]
        marks = ", ".join([self.p] * len(wanted))
        rows = self.store._query(
            f"SELECT {OPERATION_COLUMNS} FROM bridge_operations WHERE status IN ({marks}) "
            f"AND chain_id = {self.p} ORDER BY nonce, created_at_ns, id LIMIT {self.p}",
            (*wanted, chain_id, limit),
        )
        return [_operation(r) for r in rows]

    def count_operations(self, status: OperationStatus) -> int:
        rows = self.store._query(
            f"SELECT COUNT(*) FROM bridge_operations WHERE status = {self.p}", (status.value,)
        )
        return int(rows[0][0])

    def update_operation(self, operation_id: int, **fields: Any) -> None:
        """Set the named columns (and `updated_at_ns`); exactly one row must change."""
        if "status" in fields and isinstance(fields["status"], OperationStatus):
            fields["status"] = fields["status"].value
        if fields.get("error") is not None:
            fields["error"] = str(fields["error"])[:ERROR_LENGTH_MAX]
        fields["updated_at_ns"] = time.time_ns()
        for name in fields:
            invariant(name.isidentifier(), "column name")
        assignments = ", ".join(f"{name} = {self.p}" for name in fields)
        changed = self.store._execute(
            f"UPDATE bridge_operations SET {assignments} WHERE id = {self.p}",
            (*fields.values(), b16(operation_id)),
        )
        invariant(changed == 1, "an operation update must change exactly one row")

    def insert_transaction(self, tx_hash: bytes, operation_id: int, max_fee_per_gas: int) -> None:
        p = self.p
        self.store._execute(
            "INSERT INTO bridge_transactions (tx_hash, operation_id, max_fee_per_gas, "
            f"created_at_ns) VALUES ({p}, {p}, {p}, {p})",
            (tx_hash, b16(operation_id), max_fee_per_gas, time.time_ns()),
        )

    def transaction_hashes(self, operation_id: int) -> list[bytes]:
        rows = self.store._query(
            "SELECT tx_hash FROM bridge_transactions WHERE operation_id = "
            f"{self.p} ORDER BY created_at_ns",
            (b16(operation_id),),
        )
        return [bytes(r[0]) for r in rows]

    def take_nonces(self, chain_id: int, sender: str, count: int, chain_next: int) -> int:
        """Reserve `count` consecutive nonces; return the first. Inside a write transaction.

        The stored counter only grows, and never lags the chain's own count, so a nonce once given
        to an operation is never given to another one.
        """
        p = self.p
        rows = self.store._query(
            f"SELECT next_nonce FROM bridge_nonces WHERE chain_id = {p} AND sender = {p}",
            (chain_id, sender),
        )
        first = max(int(rows[0][0]), chain_next) if rows else chain_next
        if rows:
            self.store._execute(
                f"UPDATE bridge_nonces SET next_nonce = {p} WHERE chain_id = {p} AND sender = {p}",
                (first + count, chain_id, sender),
            )
        else:
            self.store._execute(
                f"INSERT INTO bridge_nonces (chain_id, sender, next_nonce) VALUES ({p}, {p}, {p})",
                (chain_id, sender, first + count),
            )
        return first

    # -- indexed blocks and events -------------------------------------------------------
    def last_block(self, chain_id: int) -> tuple[int, bytes] | None:
        rows = self.store._query(
            f"SELECT number, hash FROM bridge_blocks WHERE chain_id = {self.p} "
            "ORDER BY number DESC LIMIT 1",
            (chain_id,),
        )
        return (int(rows[0][0]), bytes(rows[0][1])) if rows else None

    def block_hashes(self, chain_id: int, low: int) -> dict[int, bytes]:
        rows = self.store._query(
            f"SELECT number, hash FROM bridge_blocks WHERE chain_id = {self.p} "
            f"AND number >= {self.p}",
            (chain_id, low),
        )
        return {int(r[0]): bytes(r[1]) for r in rows}

    def insert_blocks(self, chain_id: int, blocks: Sequence[tuple[int, bytes, bytes]]) -> None:
        p = self.p
        self.store._execute_many(
            "INSERT INTO bridge_blocks (chain_id, number, hash, parent_hash) "
            f"VALUES ({p}, {p}, {p}, {p})",
            [(chain_id, number, h, parent) for number, h, parent in blocks],
        )

    def delete_blocks_above(self, chain_id: int, number: int) -> None:
        self.store._execute(
            f"DELETE FROM bridge_blocks WHERE chain_id = {self.p} AND number > {self.p}",
            (chain_id, number),
        )

    def prune_blocks_below(self, chain_id: int, number: int) -> None:
        self.store._execute(
            f"DELETE FROM bridge_blocks WHERE chain_id = {self.p} AND number < {self.p}",
            (chain_id, number),
        )

    def insert_event(self, event: tuple[str, int, str, int, bytes, str, int]) -> None:
        """event: (id, chain_id, symbol, block_number, block_hash, from_address, amount_units)."""
        p = self.p
        self.store._execute(
            "INSERT INTO bridge_events (id, chain_id, symbol, block_number, block_hash, "
            f"from_address, amount_units, status, created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, "
            f"{p}, {p}, {p}, {p})",
            (*event[:6], str(event[6]), EventStatus.SEEN.value, time.time_ns()),
        )

    def events_above(self, chain_id: int, number: int) -> list[tuple[str, str]]:
        """(id, status) of events in blocks above `number`."""
        rows = self.store._query(
            f"SELECT id, status FROM bridge_events WHERE chain_id = {self.p} "
            f"AND block_number > {self.p}",
            (chain_id, number),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def delete_seen_events_above(self, chain_id: int, number: int) -> int:
        return self.store._execute(
            f"DELETE FROM bridge_events WHERE chain_id = {self.p} AND block_number > {self.p} "
            f"AND status = {self.p}",
            (chain_id, number, EventStatus.SEEN.value),
        )

    def confirmed_events(
        self, chain_id: int, up_to_block: int, limit: int
    ) -> list[tuple[str, str, str, int]]:
        """(id, symbol, from_address, amount_units) of seen events at or below a block."""
        rows = self.store._query(
            "SELECT id, symbol, from_address, amount_units FROM bridge_events "
            f"WHERE chain_id = {self.p} AND status = {self.p} AND block_number <= {self.p} "
            f"ORDER BY block_number, id LIMIT {self.p}",
            (chain_id, EventStatus.SEEN.value, up_to_block, limit),
        )
        return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

    def set_event_status(
        self, event_id: str, status: EventStatus, operation_id: int | None = None
    ) -> None:
        changed = self.store._execute(
            f"UPDATE bridge_events SET status = {self.p}, operation_id = {self.p} "
            f"WHERE id = {self.p}",
            (status.value, None if operation_id is None else b16(operation_id), event_id),
        )
        invariant(changed == 1, "an event update must change exactly one row")

    def event_statuses(self, chain_id: int) -> dict[str, str]:
        rows = self.store._query(
            f"SELECT id, status FROM bridge_events WHERE chain_id = {self.p}", (chain_id,)
        )
        return {str(r[0]): str(r[1]) for r in rows}

    # -- holders and alerts --------------------------------------------------------------
    def register_holder(self, address: str, account_id: int) -> None:
        p = self.p
        self.store._execute(
            "INSERT INTO bridge_holders (address, account_id, created_at_ns) "
            f"VALUES ({p}, {p}, {p})",
            (address, b16(account_id), time.time_ns()),
        )

    def holder_account(self, address: str) -> int | None:
        rows = self.store._query(
            f"SELECT account_id FROM bridge_holders WHERE address = {self.p}", (address,)
        )
        return _u128(rows[0][0]) if rows else None

    def insert_alert(self, kind: str, symbol: str, detail: str) -> None:
        p = self.p
        self.store._execute(
            "INSERT INTO bridge_alerts (created_at_ns, kind, symbol, detail) "
            f"VALUES ({p}, {p}, {p}, {p})",
            (time.time_ns(), kind, symbol, detail[:ALERT_DETAIL_LENGTH_MAX]),
        )

    def alerts(self) -> list[tuple[str, str, str]]:
        rows = self.store._query("SELECT kind, symbol, detail FROM bridge_alerts ORDER BY id")
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]
