"""The per-account index folded in the background, on its own thread and connection.

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
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self.folds_done = 0
        self._thread = threading.Thread(target=self._run, name="digisom-index-fold", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._idle.clear()
        self._wanted.set()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no fold is asked for or running (tests and the benchmark's final flush)."""
        return self._idle.wait(timeout_s)

    def close(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()

    def _run(self) -> None:
        connection: ConcurrentFolding | None = None
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                break
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
            if not self._wanted.is_set():
                self._idle.set()
        if connection is not None:
            connection.close()
