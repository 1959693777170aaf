"""Background WAL checkpoints for SQLite, off the writer's critical path.

In WAL mode every commit appends pages to the write-ahead log; a checkpoint copies them back into
the database file. By default SQLite checkpoints inside the commit that pushes the log past 1,000
pages, which a batch of thousands of transfers does almost every time, so the writer waits for
the copy. Here a thread with its own connection runs passive checkpoints every
`CHECKPOINT_INTERVAL_S` instead (on the other core), and the writer's automatic checkpoint is
raised to a safety net that only a stalled checkpointer would ever reach. Durability does not
change: a commit is durable once the log is synced (`synchronous = FULL`); a checkpoint only
moves committed pages, and a crash mid-checkpoint is repaired from the log on the next open.
"""

import logging
import sqlite3
import threading

from digisom.limits import SQLITE_BUSY_TIMEOUT_MS

log = logging.getLogger("digisom.storage")

CHECKPOINT_INTERVAL_S = 0.5
WAL_AUTOCHECKPOINT_SAFETY_PAGES = 262_144
"""About 1 GiB of log: reached only if the background checkpoints stop."""


class Checkpointer:
    """One thread per database file and process, shared by every store open on that file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.users = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {path}", daemon=True)

    def _run(self) -> None:
        connection = sqlite3.connect(
            self.path, isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
        )
        try:
            while not self._stop.wait(CHECKPOINT_INTERVAL_S):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    log.exception("WAL checkpoint of %s failed; retrying", self.path)
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()


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
    checkpointer._stop.set()
    checkpointer._thread.join()
