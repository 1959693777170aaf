"""A cache of committed account state, valid only at the journal head it was filled at.

Reading every account a batch touches is a large part of a batch's cost. The cache keeps what the
last batch committed, tagged with the journal head after that commit. A batch, holding the write
lock, compares the database's head with the tag: equal means no other writer has committed since,
so the cached rows are exactly the database's rows; different means someone else wrote, and the
cache is dropped. Correctness never depends on the cache: a miss reads the database.

The accounts live in an `AccountTable` (native code, digisom.ledger._engine): the transfer engine
validates and applies a batch against it in place, without a Python object per account.
"""

import threading
from collections.abc import Mapping

from digisom.ledger._engine import AccountTable
from digisom.ledger.engine import AccountRecord, Balances
from digisom.ledger.model import JournalHead

ACCOUNT_CACHE_ENTRIES_MAX = 2_000_000
"""About 0.35 GiB at most (a calculation: 144 bytes an account and 8-byte index slots kept at
most half full); past it the cache starts over rather than grow without bound."""


class AccountCache:
    """Accounts and balances as committed at `head`; shared by the ledgers of one process."""

    def __init__(self, entries_max: int = ACCOUNT_CACHE_ENTRIES_MAX) -> None:
        self.entries_max = entries_max
        self.head: JournalHead | None = None
        self.table = AccountTable()
        self.lock = threading.RLock()
        """Held for a whole write transaction by the ledger that uses the cache (re-entrant:
        batches inside `Ledger.transaction()` take it again)."""

    def validate(self, head: JournalHead) -> None:
        """Drop everything unless the database is still at the head the cache was filled at."""
        if self.head != head:
            self.clear()

    def clear(self) -> None:
        self.head = None
        self.table.clear()

    def put(self, records: Mapping[int, AccountRecord], balances: Mapping[int, Balances]) -> None:
        """Add rows read from the database (or just created) to the table."""
        table = self.table
        for account_id, record in records.items():
            table.put(record.account, record.timestamp, record.frozen, balances[account_id])

    def commit(
        self,
        head: JournalHead,
        records: Mapping[int, AccountRecord],
        balances: Mapping[int, Balances],
    ) -> None:
        """Take the rows a batch read or wrote, now committed at `head`."""
        if len(self.table) + len(records) > self.entries_max:
            self.clear()
        self.put(records, balances)
        self.head = head
