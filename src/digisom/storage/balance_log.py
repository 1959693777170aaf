"""The balance log replayed in memory: once per database per process, committed rows only.

Balances newer than the `balances` table live in `balance_log` rows (see docs/ledger.md). Reading
an account's balance means applying the log rows written since the last checkpoint. The replay
is a native `BalanceMap` (applying a batch's row takes no Python object per account), and a full
log's replay holds up to 262,080 entries (about 21 MB of entries plus the index), so one
`ReplayedLog` per database is shared by every connection of the process (the API keeps one per
worker thread), instead of one each.

Rules that keep it correct:
* It holds committed rows only. A writer keeps the rows of its open transaction apart
  (`PendingLog`) and hands them over after its commit, if the replay is exactly where the writer
  started; otherwise the next reader replays them from the database.
* Every read or change of it happens under its lock, inside the reader's transaction or
  snapshot. A reader whose snapshot is older than the replay (another thread moved it on since)
  replays privately for that read, so a snapshot never sees a newer balance.
"""

import threading
import weakref
from dataclasses import dataclass, field

from digisom.ledger._engine import BalanceMap


class ReplayedLog:
    """The committed log rows after the checkpoint at `through`, applied up to `height`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.through = -1
        """The checkpoint height the entries sit on; -1 before the first replay."""
        self.height = -1
        """The height of the last log row applied."""
        self.entries = BalanceMap()

    def reset(self, through: int) -> None:
        self.through = self.height = through
        self.entries = BalanceMap()


@dataclass(slots=True)
class PendingLog:
    """A writer's own log rows in its open transaction, over the replay it started from."""

    base_through: int
    base_height: int
    rows: list[bytes] = field(default_factory=list)
    """The rows this transaction logged since it began or checkpointed, in order: applied to the
    shared replay once it commits."""
    logged_accounts: int = 0
    """Entries in `rows` (an upper bound of the accounts they hold), for the checkpoint trigger."""
    height: int = -1
    checkpointed_at: int | None = None
    """Set when this transaction checkpointed: the replay under it no longer counts."""
    replayed: BalanceMap | None = None
    """`rows` replayed, built the first time this transaction reads its own logged balances (a
    plain batch never does: replaying each row twice, here and at commit, cost ~1.4 ms)."""

    def append(self, row: bytes, accounts: int, height: int) -> None:
        self.rows.append(row)
        self.logged_accounts += accounts
        self.height = height
        if self.replayed is not None:
            self.replayed.apply_log_row(row)

    def entries(self) -> BalanceMap:
        """This transaction's logged balances (newest wins)."""
        if self.replayed is None:
            self.replayed = BalanceMap()
            for row in self.rows:
                self.replayed.apply_log_row(row)
        return self.replayed

    def checkpointed(self, height: int) -> None:
        """Everything logged so far is in `balances` now."""
        self.rows = []
        self.logged_accounts = 0
        self.replayed = None
        self.height = self.checkpointed_at = height


_SHARED: "weakref.WeakValueDictionary[str, ReplayedLog]" = weakref.WeakValueDictionary()
_SHARED_LOCK = threading.Lock()


def shared_log(database: str) -> ReplayedLog:
    """The replay of `database` (a name unique per database and schema) in this process; it
    lives as long as a connection holds it."""
    with _SHARED_LOCK:
        found = _SHARED.get(database)
        if found is None:
            found = ReplayedLog()
            _SHARED[database] = found
        return found
