"""Background WAL checkpoints for SQLite, off the writer's critical path.

In WAL mode every commit appends pages to the write-ahead log; a checkpoint copies them back into
the database file. By default SQLite checkpoints inside the commit that pushes the log past 1,000
pages, which a batch of thousands of transfers does almost every time, so the writer waits for
the copy. Here a thread with its own connection runs a passive checkpoint after each commit the
stores of its process report (`notify`), or every `CHECKPOINT_INTERVAL_S` (on the other core),
and the writer's automatic checkpoint is raised to a safety net that only a stalled
checkpointer would ever reach. Durability does not change: a commit is durable once the log is
synced (`synchronous = FULL`); a checkpoint only moves committed pages, and a crash
mid-checkpoint is repaired from the log on the next open.

The log is only started over from its beginning by a writer whose transaction began when every
frame had been copied; a writer that begins its next batch as soon as the last one committed
never sees that, so the log grows without end, and so does every commit's cost (at 400 MB of log
a batch's commit took 15 ms instead of 6-8). So every `WAL_RESTART_COMMITS` commits the writer
itself copies what is left (a few batches at most, since this thread follows the commits at
most 0.1 s behind) before it begins again (`catch_up`), and its next transaction writes the log
from the start.
"""

import logging
import sqlite3
import threading

from digisom.limits import SQLITE_BUSY_TIMEOUT_MS

log = logging.getLogger("digisom.storage")

CHECKPOINT_INTERVAL_S = 0.5
"""The longest a committed page waits for the background checkpoint when no commit is reported."""
CHECKPOINT_SPACING_S = 0.1
"""The least time between two background checkpoints: each syncs the database file, and one
after every small commit halved the rate of one-transfer commits (the IO queue is shared)."""
WAL_AUTOCHECKPOINT_SAFETY_PAGES = 262_144
"""About 1 GiB of log: reached only if the background checkpoints stop."""
WAL_RESTART_COMMITS = 16
"""Commits between a writer's own catch-up checkpoints, which let the log start over."""


class Checkpointer:
    """One thread per database file and process, shared by every store open on that file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.users = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        """Set by a reported commit, and by `stop`."""
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {path}", daemon=True)

    def _run(self) -> None:
        connection = sqlite3.connect(
            self.path, isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
        )
        try:
            while True:
                self._wake.wait(CHECKPOINT_INTERVAL_S)
                self._wake.clear()
                if self._stop.is_set() or self._stop.wait(CHECKPOINT_SPACING_S):
                    break
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    log.exception("WAL checkpoint of %s failed; retrying", self.path)
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()

    def notify(self) -> None:
        """A commit appended to the log: copy it soon."""
        self._wake.set()

    def stop(self) -> None:
        """Run a last checkpoint and end the thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join()


_registry: dict[str, Checkpointer] = {}
_registry_lock = threading.Lock()


def acquire(path: str) -> None:
    """Make sure a checkpointer runs for `path` while at least one store uses it."""
    with _registry_lock:
        checkpointer = _registry.get(path)
        if checkpointer is None:
            checkpointer = _registry[path] = Checkpointer(path)
            checkpointer._thread.start()
        checkpointer.users += 1


def release(path: str) -> None:
    """One store closed; the last one stops the checkpointer (after a final checkpoint)."""
    with _registry_lock:
        checkpointer = _registry.get(path)
        if checkpointer is None:
            return
        checkpointer.users -= 1
        if checkpointer.users > 0:
            return
        del _registry[path]
    checkpointer.stop()


def notify(path: str) -> None:
    """Tell the checkpointer of `path` (if this process runs one) that a commit happened."""
    checkpointer = _registry.get(path)
    if checkpointer is not None:
        checkpointer.notify()


def catch_up(connection: sqlite3.Connection) -> None:
    """Copy the log's remaining frames on the writer's own connection, outside a transaction,
    so that its next transaction starts the log over. Gives up at once if the background
    checkpointer is copying (a passive checkpoint never waits); the next catch-up will do."""
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
