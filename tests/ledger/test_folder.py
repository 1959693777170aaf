"""The background folder's own logic: one fold per request burst, and a failed fold retried on a
new connection at the next request (the PostgreSQL tests run it against a real database)."""

import threading

import pytest

from digisom.storage.folder import BackgroundFolder

WAIT_S = 10.0


class Connection:
    """Counts folds; fails the folds it is told to (as a dropped connection would)."""

    def __init__(self, failures: int, log: list[str]) -> None:
        self.failures = failures
        self.log = log
        self.gate = threading.Event()
        self.gate.set()

    def fold_concurrently(self) -> bool:
        self.gate.wait(WAIT_S)
        if self.failures:
            self.failures -= 1
            self.log.append("failed")
            raise RuntimeError("connection lost")
        self.log.append("folded")
        return True

    def close(self) -> None:
        self.log.append("closed")


def test_a_failed_fold_is_retried_on_a_new_connection(caplog: pytest.LogCaptureFixture) -> None:
    log: list[str] = []
    connections: list[Connection] = []

    def connect() -> Connection:
        connections.append(Connection(failures=1 if not connections else 0, log=log))
        return connections[-1]

    folder = BackgroundFolder(connect)
    try:
        folder.request()
        assert folder.wait_idle(WAIT_S)
        assert log == ["failed", "closed"] and folder.folds_done == 0
        assert "background fold of the account index failed" in caplog.text
        folder.request()
        assert folder.wait_idle(WAIT_S)
        assert log == ["failed", "closed", "folded"] and folder.folds_done == 1
        assert len(connections) == 2
    finally:
        folder.close()
    assert log[-1] == "closed"  # the folder closes its connection when it stops


def test_requests_during_a_fold_make_at_most_one_more_fold() -> None:
    log: list[str] = []
    connection = Connection(failures=0, log=log)
    connection.gate.clear()  # the first fold waits here until the requests are in
    folder = BackgroundFolder(lambda: connection)
    try:
        folder.request()
        for _ in range(5):
            folder.request()
        assert not folder.wait_idle(0.05)
        connection.gate.set()
        assert folder.wait_idle(WAIT_S)
        assert log.count("folded") in (1, 2)  # the burst is folded once more at most
        assert folder.folds_done == log.count("folded")
    finally:
        folder.close()
