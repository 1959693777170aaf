"""PostgreSQL folds the account index on a second connection while batches keep coming."""

import threading
from collections.abc import Iterator

import psycopg
import pytest

from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage import account_index
from digisom.storage.factory import open_store
from digisom.storage.postgres import PostgresLedgerStore
from digisom.storage.urls import parse_database_url
from tests.conftest import postgres_schema_url
from tests.ledger.helpers import account, transfer

WAIT_S = 30.0


@pytest.fixture
def store() -> Iterator[PostgresLedgerStore]:
    for url in postgres_schema_url():
        opened = open_store(parse_database_url(url))  # migrated
        assert isinstance(opened, PostgresLedgerStore)
        try:
            yield opened
        finally:
            opened.close()


def _tail_is_exact(store: PostgresLedgerStore) -> tuple[int, int]:
    """(through, tail) after checking the recorded tail against the transfers after `through`."""
    with store.read_snapshot():  # one snapshot: a background fold may commit meanwhile
        through, tail = store.account_index_state()
        p = store.p
        after = store._count(f"SELECT COUNT(*) FROM transfers WHERE timestamp > {p}", through)
    assert tail == after
    return through, tail


def test_batches_past_the_bound_are_folded_in_the_background(store: PostgresLedgerStore) -> None:
    store.account_index_tail_max = 4
    ledger = Ledger(store)
    ledger.create_accounts([account(i) for i in range(1, 5)])
    ids = iter(range(1, 1000))
    for _ in range(12):
        batch = [transfer(next(ids), 1 + i % 4, 1 + (i + 1) % 4, 7) for i in range(3)]
        assert ledger.create_transfers(batch).results == ["ok"] * 3
        _tail_is_exact(store)
        assert store.account_index_state()[1] < 2 * store.account_index_tail_max + 3
    assert store.wait_for_background_fold(WAIT_S)
    assert store._folder is not None and store._folder.folds_done >= 1
    through, tail = _tail_is_exact(store)
    assert through > 0 and tail < store.account_index_tail_max
    listed = [t.id for t in store.account_transfers(2, 0, 1000)]
    assert listed == [i for i in range(1, 37) if i % 3 != 0]  # 1 -> 2 and 2 -> 3 of each batch
    assert verify(store).ok


def test_a_fold_beside_an_open_batch_counts_the_tail_exactly(store: PostgresLedgerStore) -> None:
    """The folder's marker update waits for the writer's row lock, then subtracts from the
    writer's count: the transfers the writer added stay counted in the tail."""
    ledger = Ledger(store)
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(i, 1, 2, 1) for i in range(1, 6)])  # committed: 5
    folder = PostgresLedgerStore(store.conninfo)
    try:
        with ledger.transaction():
            ledger.create_transfers([transfer(i, 2, 1, 1) for i in range(6, 9)])  # open: 3
            folding = threading.Thread(target=folder.fold_concurrently)
            folding.start()
            folding.join(0.5)
            assert folding.is_alive()  # waiting for the writer's lock on the marker row
        folding.join(WAIT_S)
        assert not folding.is_alive()
    finally:
        folder.close()
    through, tail = _tail_is_exact(store)
    first_five = store.get_transfer(5)
    assert first_five is not None and through == first_five.timestamp and tail == 3
    assert [t.id for t in store.account_transfers(1, 0, 100)] == list(range(1, 9))
    assert verify(store).ok


def test_a_writer_never_waits_for_the_fold_lock(store: PostgresLedgerStore) -> None:
    """Past twice the bound a writer folds inline, unless a fold holds the lock: then it goes on
    without folding (waiting could deadlock) and a later fold takes the whole tail."""
    store.account_index_tail_max = 2
    ledger = Ledger(store)
    ledger.create_accounts([account(1), account(2)])
    with psycopg.connect(store.conninfo, autocommit=False) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (store.fold_lock_key,))
        for i in range(1, 4):
            ledger.create_transfers([transfer(2 * i - 1, 1, 2, 1), transfer(2 * i, 2, 1, 1)])
        assert store.account_index_state() == (0, 6)  # nobody could fold
        other.rollback()
    assert store.wait_for_background_fold(WAIT_S)
    with store.write_transaction():
        store.fold_account_index()
    assert _tail_is_exact(store)[1] == 0
    assert [t.id for t in store.account_transfers(2, 0, 100)] == list(range(1, 7))
    assert verify(store).ok


def test_listings_stay_whole_while_folds_and_merges_run_beside_batches(
    store: PostgresLedgerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer commits batches while the background folder folds and merges (two runs per
    level, so merges happen often) and a reader lists: every listing is in order, without a
    repeat, and holds every transfer of the account committed before it began."""
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 2)
    store.account_index_tail_max = 6
    ledger = Ledger(store)
    ledger.create_accounts([account(i) for i in range(1, 4)])
    committed: list[tuple[int, int, int]] = []  # (id, debit, credit), in commit order
    done = threading.Event()
    problems: list[str] = []

    def read() -> None:
        reader = PostgresLedgerStore(store.conninfo)
        try:
            while not done.is_set():
                before = list(committed)
                for account_id in (1, 2, 3):
                    listed = [t.id for t in reader.account_transfers(account_id, 0, 10_000)]
                    expected = {i for i, d, c in before if account_id in (d, c)}
                    if listed != sorted(set(listed)) or not expected <= set(listed):
                        problems.append(f"account {account_id}: {listed} lacks {expected}")
        finally:
            reader.close()

    reading = threading.Thread(target=read)
    reading.start()
    try:
        next_id = 1
        for round_ in range(40):
            batch = []
            for k in range(3):
                debit, credit = 1 + (round_ + k) % 3, 1 + (round_ + k + 1) % 3
                batch.append((next_id, debit, credit))
                next_id += 1
            results = ledger.create_transfers([transfer(i, d, c, 1) for i, d, c in batch])
            assert results.results == ["ok"] * 3
            committed.extend(batch)
    finally:
        done.set()
        reading.join(WAIT_S)
    assert problems == []
    assert store.wait_for_background_fold(WAIT_S)
    assert store._folder is not None and store._folder.folds_done >= 3
    assert len(account_index.runs(store)) >= 2
    assert verify(store).ok


def test_stores_of_one_database_share_one_folder(store: PostgresLedgerStore) -> None:
    """The API keeps a store per worker thread: they share one folder thread and connection,
    which stops with the last of them."""
    first, second = PostgresLedgerStore(store.conninfo), PostgresLedgerStore(store.conninfo)
    first.account_index_tail_max = second.account_index_tail_max = 1
    try:
        Ledger(first).create_accounts([account(1), account(2)])
        for ledger, transfer_id in ((Ledger(first), 1), (Ledger(second), 2)):
            ledger.create_transfers([transfer(transfer_id, 1, 2, 5)])  # asks for a fold
            assert ledger.store.wait_for_background_fold(WAIT_S)
        shared = first._folder
        assert shared is not None and second._folder is shared and shared.folds_done == 2
    finally:
        second.close()
    assert shared._thread.is_alive()  # `first` still uses it
    first.close()
    assert not shared._thread.is_alive()
