"""Balances through the log and its checkpoints: every reader sees the committed balances."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.balance_log import ReplayedLog
from digisom.storage.codec import pack_balances, pack_log_row, unpack_log_row
from digisom.storage.factory import open_store
from digisom.storage.migrate import MIGRATIONS_DIR
from digisom.storage.urls import parse_database_url
from tests.conftest import postgres_schema_url
from tests.ledger.helpers import account, transfer


def _ledgers(db_url: str, count: int) -> list[Ledger]:
    """Ledgers on one database with their own connections, checkpointing every 2 batches."""
    ledgers = []
    for _ in range(count):
        store = open_store(parse_database_url(db_url))
        store.balance_log_rows_max = 2
        ledgers.append(Ledger(store))
    return ledgers


@pytest.fixture
def two_writers(db_url: str) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers as two processes would be: each replays the balance log on its own."""
    a, b = _ledgers(db_url, 2)
    b.store._replay = ReplayedLog()
    yield a, b
    a.store.close()
    b.store.close()


def posted(ledger: Ledger, account_id: int) -> tuple[int, int]:
    state = ledger.get_account(account_id)
    assert state is not None
    return state.debits_posted, state.credits_posted


def test_writers_and_readers_agree_across_checkpoints(two_writers: tuple[Ledger, Ledger]) -> None:
    a, b = two_writers
    a.create_accounts([account(1), account(2), account(3)])
    next_id = 1
    for round_ in range(7):
        writer, reader = (a, b) if round_ % 3 else (b, a)
        batch = [transfer(next_id, 1, 2, 10), transfer(next_id + 1, 2, 3, 4)]
        next_id += 2
        assert writer.create_transfers(batch).results == ["ok", "ok"]
        for ledger in (a, b):
            assert posted(ledger, 1) == (10 * (round_ + 1), 0)
            assert posted(ledger, 2) == (4 * (round_ + 1), 10 * (round_ + 1))
            assert posted(ledger, 3) == (0, 4 * (round_ + 1))
        logged = reader.store._query("SELECT COUNT(*) FROM balance_log")[0][0]
        assert logged < 2  # checkpointed every second log row
    assert verify(a.store).ok


def test_a_rolled_back_batch_leaves_no_logged_balance(two_writers: tuple[Ledger, Ledger]) -> None:
    a, b = two_writers
    a.create_accounts([account(1), account(2)])
    a.create_transfers([transfer(1, 1, 2, 5)])
    with pytest.raises(RuntimeError), a.transaction():
        # The second log row: the batch also checkpoints, and all of it rolls back.
        assert a.create_transfers([transfer(2, 1, 2, 7)]).results == ["ok"]
        raise RuntimeError("the caller fails after the batch")
    for ledger in (a, b):
        assert posted(ledger, 1) == (5, 0)
        assert posted(ledger, 2) == (0, 5)
    assert a.store.balance_log_state() == (0, 2)  # no checkpoint; only the first batch logged
    assert a.create_transfers([transfer(2, 1, 2, 7)]).results == ["ok"]
    assert posted(b, 2) == (0, 12)
    assert verify(b.store).ok


def test_connections_of_one_process_share_one_replay(db_url: str) -> None:
    writer, reader = _ledgers(db_url, 2)
    try:
        assert writer.store._replay is reader.store._replay
        writer.create_accounts([account(1), account(2)])
        writer.create_transfers([transfer(1, 1, 2, 5)])
        writer.create_transfers([transfer(2, 1, 2, 6)])  # second log row: a checkpoint
        writer.create_transfers([transfer(3, 1, 2, 7)])
        replay = writer.store._replay
        assert replay.height == writer.store.head().height  # handed over at commit
        assert set(replay.entries) == {1, 2}
        assert posted(reader, 2) == (0, 18)
    finally:
        writer.store.close()
        reader.store.close()


def test_a_snapshot_never_sees_a_balance_newer_than_itself(db_url: str) -> None:
    """A reader in an older snapshot than the shared replay replays privately."""
    writer, reader, other = _ledgers(db_url, 3)
    try:
        writer.store.balance_log_rows_max = 100
        writer.create_accounts([account(1), account(2)])
        writer.create_transfers([transfer(1, 1, 2, 5)])
        with reader.store.read_snapshot():
            assert reader.store.load_accounts([2])[1][2] == (0, 0, 0, 5)
            writer.create_transfers([transfer(2, 1, 2, 6)])
            assert posted(other, 2) == (0, 11)  # the shared replay moves on
            assert reader.store.load_accounts([2])[1][2] == (0, 0, 0, 5)
            scanned = [b for r, b in reader.store.iter_accounts() if r.account.id == 2]
            assert scanned == [(0, 0, 0, 5)]
        assert posted(reader, 2) == (0, 11)
    finally:
        for ledger in (writer, reader, other):
            ledger.store.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


def test_a_savepoint_rollback_keeps_the_rest_of_the_transaction(postgres_url: str) -> None:
    """PostgreSQL rolls a nested write transaction back to its savepoint (SQLite has none: it
    joins the outer one); the balances read in the rest of the transaction still include what
    the transaction wrote before it."""
    (ledger,) = _ledgers(postgres_url, 1)
    store = ledger.store
    try:
        ledger.create_accounts([account(1), account(2)])
        with ledger.transaction():
            assert ledger.create_transfers([transfer(1, 1, 2, 5)]).results == ["ok"]
            with pytest.raises(RuntimeError), store.write_transaction():
                store._log_balances(store.head().height + 1, pack_log_row([(2, (0, 0, 0, 999))]), 1)
                raise RuntimeError("rolled back to the savepoint")
            assert store.load_accounts([2])[1][2] == (0, 0, 0, 5)
        assert posted(ledger, 2) == (0, 5)
        assert verify(store).ok
    finally:
        store.close()


def test_many_accounts_checkpoint_before_many_rows(db_url: str) -> None:
    """The replay's size bounds the log too: a batch that brings the logged accounts to the
    bound checkpoints however few the log rows (the replay must not grow without bound)."""
    (ledger,) = _ledgers(db_url, 1)
    try:
        store = ledger.store
        store.balance_log_rows_max = 100
        store.balance_log_accounts_max = 6
        ledger.create_accounts([account(i) for i in range(1, 9)])
        ledger.create_transfers([transfer(1, 1, 2, 5)])  # logs 2 accounts
        ledger.create_transfers([transfer(2, 3, 4, 5)])  # 4: still below the bound
        assert store.balance_log_state()[0] == 0
        assert store._query("SELECT COUNT(*) FROM balance_log")[0][0] == 2
        ledger.create_transfers([transfer(3, 5, 6, 5)])  # 6 accounts: checkpoint
        through, newest = store.balance_log_state()
        assert through == newest == ledger.store.head().height
        assert store._query("SELECT COUNT(*) FROM balance_log")[0][0] == 0
        assert posted(ledger, 5) == (5, 0)
        assert verify(store).ok
    finally:
        ledger.store.close()


def test_the_varint_migration_keeps_every_logged_balance(tmp_path: Path) -> None:
    """Migration 0007 rewrites fixed 80-byte log rows as varints: downgraded, the rows are the
    old layout; upgraded again, every balance reads as before."""
    url = parse_database_url(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    store = open_store(url)
    try:
        ledger = Ledger(store)
        ledger.create_accounts([account(1), account(2), account(2**100)])
        ledger.create_transfers([transfer(1, 1, 2, 5), transfer(2, 2, 2**100, 2**90)])
        before = {i: store.get_account(i) for i in (1, 2, 2**100)}
        varint_rows = store._query("SELECT changes FROM balance_log ORDER BY height")
        assert varint_rows
    finally:
        store.close()
    engine = sa.create_engine(url.sqlalchemy_url(), poolclass=sa.pool.NullPool)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        fixed_rows = connection.execute(
            sa.text("SELECT changes FROM balance_log ORDER BY height")
        ).fetchall()
    engine.dispose()
    assert [bytes(f) for (f,) in fixed_rows] == [
        pack_balances(unpack_log_row(bytes(v))) for (v,) in varint_rows
    ]
    store = open_store(url)  # upgrades to the heads again
    try:
        assert {i: store.get_account(i) for i in (1, 2, 2**100)} == before
        assert verify(store).ok
    finally:
        store.close()
