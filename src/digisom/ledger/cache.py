"""A cache of committed account state, valid only at the journal head it was filled at.

Reading every account a batch touches is a large part of a batch's cost. The cache keeps what the
last batch committed, tagged with the journal head after that commit. A batch, holding the write
lock, compares the database's head with the tag: equal means no other writer has committed since,
so the cached rows are exactly the database's rows; different means someone else wrote, and the
cache is dropped. Correctness never depends on the cache: a miss reads the database.
"""

import threading

from digisom.ledger.engine import AccountRecord, Balances
from digisom.ledger.model import JournalHead

ACCOUNT_CACHE_ENTRIES_MAX = 2_000_000
"""About 0.5 GiB at most; past it the cache starts over rather than grow without bound."""


class AccountCache:
    """Accounts and balances as committed at `head`; shared by the ledgers of one process."""

    def __init__(self, entries_max: int = ACCOUNT_CACHE_ENTRIES_MAX) -> None:
        self.entries_max = entries_max
        self.head: JournalHead | None = None
        self.records: dict[int, AccountRecord] = {}
        self.balances: dict[int, Balances] = {}
        self.lock = threading.RLock()
        """Held for a whole write transaction by the ledger that uses the cache (re-entrant:
        batches inside `Ledger.transaction()` take it again)."""

    def validate(self, head: JournalHead) -> None:
        """Drop everything unless the database is still at the head the cache was filled at."""
        if self.head != head:
            self.clear()

    def clear(self) -> None:
        self.head = None
        self.records.clear()
        self.balances.clear()

    def commit(
        self,
        head: JournalHead,
        records: dict[int, AccountRecord],
        balances: dict[int, Balances],
    ) -> None:
        """Take the rows a batch read or wrote, now committed at `head`."""
        if len(self.records) + len(records) > self.entries_max:
            self.clear()
        self.records.update(records)
        self.balances.update(balances)
        self.head = head
