"""The per-account index folded in the background, on its own thread and connection.

One folder per database and process, shared by every store open on it (the API keeps a store
per worker thread): one thread and one extra connection, however many stores.

A fold moves some 131,000 unindexed transfers into the index in one sorted insert; inside a batch
it made that batch the slowest by far (0.6-0.8 s on PostgreSQL at a million transfers). A store
whose database lets a second connection write while the writer does (PostgreSQL) hands the fold
to a `BackgroundFolder`: the batch that finds the tail long asks for a fold after its commit, and
the folder does it in its own transaction while the next batches run, on the database's other
core. Correctness does not depend on it: the fold's own transaction is atomic (see
`LedgerStore.fold_account_index`), and a writer still folds inline once the tail passes twice
its bound, so a folder that fails or falls behind costs speed, never a listing.
"""

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class ConcurrentFolding(Protocol):
    """A connection that can fold in a transaction of its own."""

    def fold_concurrently(self) -> bool: ...

    def close(self) -> None: ...


class BackgroundFolder:
    """One thread that folds whenever asked; requests made while it folds become one more fold."""

    def __init__(self, connect: Callable[[], ConcurrentFolding]) -> None:
        self._connect = connect
        self._changed = threading.Condition()
        self._requested = False
        self._busy = False
        self._stopping = False
        self.folds_done = 0
        self._thread = threading.Thread(target=self._run, name="digisom-index-fold", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._changed:
            self._requested = True
            self._changed.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no fold is asked for or running (tests and the benchmark's final flush)."""
        with self._changed:
            return self._changed.wait_for(lambda: not (self._requested or self._busy), timeout_s)

    def close(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join()

    def _run(self) -> None:
        connection: ConcurrentFolding | None = None
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._requested or self._stopping)
                if self._stopping:
                    break
                self._requested = False
                self._busy = True
            try:
                if connection is None:
                    connection = self._connect()
                if connection.fold_concurrently():
                    self.folds_done += 1
            except Exception:  # the next request tries again, on a new connection
                log.exception("background fold of the account index failed")
                if connection is not None:
                    connection.close()
                    connection = None
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
        if connection is not None:
            connection.close()


_registry: dict[str, tuple[BackgroundFolder, int]] = {}
_registry_lock = threading.Lock()


def acquire(database: str, connect: Callable[[], ConcurrentFolding]) -> BackgroundFolder:
    """The folder of `database` (a name unique per database and schema), started on first use;
    each `acquire` is matched by one `release`."""
    with _registry_lock:
        folder, users = _registry.get(database, (None, 0))
        if folder is None:
            folder = BackgroundFolder(connect)
        _registry[database] = (folder, users + 1)
        return folder


def release(database: str) -> None:
    """Stop the folder of `database` once its last user releases it (after any fold it runs)."""
    with _registry_lock:
        folder, users = _registry[database]
        if users > 1:
            _registry[database] = (folder, users - 1)
            return
        del _registry[database]
    folder.close()
