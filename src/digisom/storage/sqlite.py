"""The embedded store: one SQLite file in WAL mode, each batch committed durably.

`BEGIN IMMEDIATE` takes SQLite's single write lock at the start of a batch, so two processes
writing at once queue up (for up to `SQLITE_BUSY_TIMEOUT_MS`) instead of interleaving; readers
keep reading the last committed state meanwhile (WAL). `synchronous=FULL` makes a commit durable
before it returns: an acknowledged batch survives a crash or power loss. WAL checkpoints run in a
background thread (`digisom.storage.checkpoint`), not inside the writer's commits.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from digisom.errors import ConfigurationError, invariant
from digisom.ledger._engine import TRANSFER_RECORD_BYTES
from digisom.limits import SQLITE_BUSY_TIMEOUT_MS
from digisom.storage import _sqlite_batch, checkpoint
from digisom.storage.base import LedgerStore
from digisom.storage.checkpoint import WAL_AUTOCHECKPOINT_SAFETY_PAGES, WAL_RESTART_COMMITS

SQLITE_VARIABLES_MAX = 32_000
"""SQLite >= 3.32 accepts 32,766 bound parameters per statement; stay below it."""
SQLITE_ROWS_PER_INSERT = 500
"""Rows per multi-row INSERT (measured best among 100-2,000; each length is one cached plan)."""


class SqliteLedgerStore(LedgerStore):
    kind = "sqlite"
    p = "?"
    p_binary = "?"

    def __init__(self, path: str) -> None:
        self.path = str(Path(path).resolve())
        super().__init__(f"sqlite:{self.path}")
        self._commits = 0
        """Write transactions committed on this connection (see `checkpoint.catch_up`)."""
        self.connection = sqlite3.connect(
            path,
            isolation_level=None,
            check_same_thread=False,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = FULL")
        self.connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        self.connection.execute("PRAGMA cache_size = -262144")  # 256 MiB of page cache
        self.connection.execute("PRAGMA temp_store = MEMORY")
        # Debian's SQLite overwrites deleted content with zeros by default, so emptying the
        # balance log after a checkpoint rewrote its ~80 MB of overflow pages. What the ledger
        # deletes is derived data (logged balances, index entries a merge moved), never a
        # record; FAST still zeroes deleted content on every page it writes anyway.
        self.connection.execute("PRAGMA secure_delete = FAST")
        self.connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_SAFETY_PAGES}")
        try:
            _check_batch_functions(self.connection)
        except ConfigurationError:
            self.connection.close()
            raise
        checkpoint.acquire(self.path)

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        if self.connection.in_transaction:
            # Nested inside a caller's write transaction (which holds the lock already): the
            # caller commits or rolls back the whole, so a service can add its own rows to a
            # ledger batch atomically (the bridge's outbox does).
            yield
            return
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.connection.execute("COMMIT")
        except BaseException:
            if self.connection.in_transaction:  # a failed COMMIT leaves it open
                self.connection.execute("ROLLBACK")
            self._after_rollback(outermost=True)
            raise
        self._after_commit()
        checkpoint.notify(self.path)
        self._commits += 1
        if self._commits % WAL_RESTART_COMMITS == 0:
            checkpoint.catch_up(self.connection)

    @property
    def in_transaction(self) -> bool:
        return self.connection.in_transaction

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("ROLLBACK")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.connection.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        yield from self.connection.execute(sql, params)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, params).rowcount

    def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    def _select_in(
        self, sql_head: str, column: str, values: Sequence[Any], array_type: str
    ) -> list[Any]:
        rows: list[Any] = []
        for start in range(0, len(values), SQLITE_VARIABLES_MAX):
            chunk = values[start : start + SQLITE_VARIABLES_MAX]
            marks = ",".join("?" * len(chunk))
            rows.extend(self.connection.execute(f"{sql_head} WHERE {column} IN ({marks})", chunk))
        return rows

    def _index_entries(self, after_timestamp: int, through_timestamp: int) -> bytes:
        """One call of a native SQL function: read, pair and sort in C."""
        row = self.connection.execute(
            "SELECT digisom_index_entries(?, ?)", (after_timestamp, through_timestamp)
        ).fetchone()
        return bytes(row[0])

    def _bulk_insert(self, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        """Many rows per INSERT statement: 22.5 ms for a batch's 8,190 transfers against 27 ms
        through `executemany`, which binds and steps the statement once per row."""
        width = columns.count(",") + 1
        per_statement = min(SQLITE_ROWS_PER_INSERT, SQLITE_VARIABLES_MAX // width)
        row_marks = "(" + ", ".join("?" * width) + ")"
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            self.connection.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(part))}",
                list(chain.from_iterable(part)),
            )

    def load_transfer_records(self, keys: bytes) -> bytes:
        """One call of a native SQL function, which seeks stored ids in order and skips the
        keys below each one it finds (one seek for a batch of new, growing ids)."""
        row = self.connection.execute("SELECT digisom_find_transfers(?)", (keys,)).fetchone()
        return bytes(row[0])

    def _update_balances(self, entries: bytes) -> None:
        """One call of a native SQL function (digisom.storage._sqlite_batch): 100,000 rows
        through `executemany` took 0.46-0.65 s."""
        self.connection.execute("SELECT digisom_update_balances(?)", (entries,))

    def _insert_transfer_records(self, records: bytes) -> None:
        """One call of a native SQL function (digisom.storage._sqlite_batch) instead of 13
        bound Python values per row."""
        inserted = self.connection.execute(
            "SELECT digisom_insert_transfers(?)", (records,)
        ).fetchone()[0]
        invariant(inserted * TRANSFER_RECORD_BYTES == len(records), "every transfer inserted")

    def close(self) -> None:
        self.connection.close()
        checkpoint.release(self.path)


def _check_batch_functions(connection: sqlite3.Connection) -> None:
    """Refuse to run without the native batch functions: they reach a connection through the
    SQLite library that Python's sqlite3 module loaded, so a Python linked with a private copy
    of SQLite would not see them."""
    try:
        abi = connection.execute("SELECT digisom_batch_abi()").fetchone()[0]
    except sqlite3.OperationalError as error:
        raise ConfigurationError(
            "the ledger's SQLite batch functions are missing: Python's sqlite3 module "
            f"(SQLite {sqlite3.sqlite_version}) does not use the system library that "
            f"digisom.storage._sqlite_batch registered them with ({_sqlite_batch.SQLITE_VERSION})"
        ) from error
    if abi != _sqlite_batch.BATCH_ABI:
        raise ConfigurationError(
            f"SQLite batch functions of ABI {abi}, expected "
            f"{_sqlite_batch.BATCH_ABI}: rebuild the package"
        )
