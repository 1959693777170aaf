"""The production store: PostgreSQL through psycopg 3.

Writers are serialised by a transaction-scoped advisory lock taken first in every write
transaction (`pg_advisory_xact_lock`): in READ COMMITTED each later statement sees everything
committed before the lock was granted, so a batch validates against the latest balances and no
update is lost. Sets of ids travel as one bytea[] parameter (`= ANY(...)`), rows go in by COPY, and
balance updates are one UPDATE ... FROM unnest(...) statement: a batch costs a handful of round
trips whatever its size.
"""

import hashlib
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from digisom.errors import invariant
from digisom.ledger._engine import sort_index_entries
from digisom.limits import (
    POSTGRES_CONNECT_TIMEOUT_S,
    POSTGRES_LOCK_TIMEOUT_MS,
    POSTGRES_STATEMENT_TIMEOUT_MS,
)
from digisom.storage import folder
from digisom.storage.base import LedgerStore
from digisom.storage.codec import TRANSFER_RECORD_COLUMNS, transfer_rows_from_records
from digisom.storage.folder import BackgroundFolder

LOCK_NAMESPACE = b"digisom-ledger-write-lock:"
FOLD_LOCK_NAMESPACE = b"digisom-ledger-fold-lock:"


def ledger_lock_key(schema: str, namespace: bytes = LOCK_NAMESPACE) -> int:
    """The advisory lock every writer of the ledger in `schema` takes (or, with the fold
    namespace, every fold of its account index).

    Advisory locks are per database, not per schema: keying the lock by schema lets several
    ledgers (say, a test and a staging copy) share one database without serialising each other.
    """
    digest = hashlib.sha256(namespace + schema.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


STREAM_ROWS_PER_FETCH = 10_000
BALANCE_ENTRY = struct.Struct(">16s16s16s16s16s")
"""A checkpoint's balance entry as the five bytea values of a `balances` row."""


class PostgresLedgerStore(LedgerStore):
    kind = "postgresql"
    p = "%s"
    p_binary = "%b"
    folds_in_background = True

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._folder: BackgroundFolder | None = None
        self.connection = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=POSTGRES_CONNECT_TIMEOUT_S
        )
        self.connection.execute(f"SET lock_timeout = {POSTGRES_LOCK_TIMEOUT_MS}")
        self.connection.execute(f"SET statement_timeout = {POSTGRES_STATEMENT_TIMEOUT_MS}")
        row = self.connection.execute("SELECT current_schema()").fetchone()
        invariant(row is not None and row[0] is not None, "a schema to keep the ledger in")
        schema = str(row[0])  # type: ignore[index]
        self.lock_key = ledger_lock_key(schema)
        self.fold_lock_key = ledger_lock_key(schema, FOLD_LOCK_NAMESPACE)
        info = self.connection.info
        super().__init__(f"postgresql:{info.host}:{info.port}/{info.dbname}/{schema}")
        self._stream_serial = 0

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        # Nested, psycopg makes this a savepoint inside the caller's transaction, and the
        # advisory lock, already held by this session, is simply taken once more.
        outermost = not self.in_transaction
        try:
            with self.connection.transaction():
                self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (self.lock_key,))
                yield
        except BaseException:
            self._after_rollback(outermost)  # nested: rolled back to the savepoint only
            raise
        if outermost:
            self._after_commit()

    @property
    def in_transaction(self) -> bool:
        return self.connection.info.transaction_status != TransactionStatus.IDLE

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.connection.execute(sql, params).fetchall()  # type: ignore[arg-type]

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        with self.connection.transaction():
            self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        invariant(
            self.connection.info.transaction_status != TransactionStatus.IDLE,
            "full scans run inside read_snapshot(), so that they see one consistent state",
        )
        self._stream_serial += 1
        with self.connection.cursor(name=f"stream_{self._stream_serial}") as cursor:
            cursor.itersize = STREAM_ROWS_PER_FETCH
            cursor.execute(sql, params)  # type: ignore[arg-type]
            yield from cursor

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, params).rowcount  # type: ignore[arg-type]

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, rows)  # type: ignore[arg-type]

    def _select_in(
        self, sql_head: str, column: str, values: Sequence[Any], array_type: str
    ) -> list[Any]:
        with self.connection.cursor(binary=True) as cursor:
            cursor.execute(
                f"{sql_head} WHERE {column} = ANY(%b::{array_type}[])",  # type: ignore[arg-type]
                (list(values),),
            )
            return cursor.fetchall()

    def _index_entries(self, after_timestamp: int, through_timestamp: int) -> bytes:
        """The entries built and ordered by time on the server (one value back), then sorted by
        account in native code."""
        row = self.connection.execute(
            "SELECT string_agg(entry, ''::bytea ORDER BY timestamp) FROM ("
            " SELECT debit_account_id || int8send(timestamp) AS entry, timestamp FROM transfers"
            "  WHERE timestamp > %s AND timestamp <= %s"
            " UNION ALL"
            " SELECT credit_account_id || int8send(timestamp), timestamp FROM transfers"
            "  WHERE timestamp > %s AND timestamp <= %s) AS tail",
            (after_timestamp, through_timestamp, after_timestamp, through_timestamp),
        ).fetchone()
        return b"" if row is None or row[0] is None else sort_index_entries(bytes(row[0]))

    def _bulk_insert(self, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,  # type: ignore[arg-type]
        ):
            for row in rows:
                copy.write_row(row)

    def _update_balances(self, entries: bytes) -> None:
        columns = list(zip(*BALANCE_ENTRY.iter_unpack(entries), strict=True))
        self.connection.cursor(binary=True).execute(
            "UPDATE balances AS b SET debits_pending = v.dp, debits_posted = v.dpo, "
            "credits_pending = v.cp, credits_posted = v.cpo "
            "FROM unnest(%b::bytea[], %b::bytea[], %b::bytea[], %b::bytea[], %b::bytea[]) "
            "AS v(id, dp, dpo, cp, cpo) WHERE b.id = v.id",
            [list(c) for c in columns],
        )

    def _insert_transfer_records(self, records: bytes) -> None:
        self._bulk_insert("transfers", TRANSFER_RECORD_COLUMNS, transfer_rows_from_records(records))

    def _try_fold_lock(self) -> bool:
        # Never waits: a writer that waited for a background fold (which waits for the
        # writer's row lock on account_index_state) would deadlock with it.
        row = self.connection.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", (self.fold_lock_key,)
        ).fetchone()
        return bool(row and row[0])

    def _request_background_fold(self) -> None:
        if self._folder is None:
            conninfo = self.conninfo
            self._folder = folder.acquire(self.database, lambda: PostgresLedgerStore(conninfo))
        self._folder.request()

    def fold_concurrently(self) -> bool:
        """Fold in a transaction of this connection's own, beside the writers (the folder's)."""
        with self.connection.transaction():
            return self.fold_account_index()

    def wait_for_background_fold(self, timeout_s: float) -> bool:
        return self._folder is None or self._folder.wait_idle(timeout_s)

    def close(self) -> None:
        if self._folder is not None:
            self._folder = None
            folder.release(self.database)
        self.connection.close()
