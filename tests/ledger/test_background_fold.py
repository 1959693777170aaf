"""PostgreSQL folds the account index on a second connection while batches keep coming."""

import threading
from collections.abc import Iterator

import psycopg
import pytest

from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
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
    through, tail = store.account_index_state()
    p = store.p
    assert tail == store._count(f"SELECT COUNT(*) FROM transfers WHERE timestamp > {p}", through)
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
