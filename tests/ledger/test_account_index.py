"""The per-account index: folded part plus unindexed tail give every listing in full, in order."""

import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage import account_index
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16, transfer_row
from digisom.storage.factory import open_store
from digisom.storage.migrate import MIGRATIONS_DIR
from digisom.storage.urls import parse_database_url
from tests.ledger.helpers import account, transfer

ACCOUNTS = 6


def _expected(transfers: list[Transfer], account_id: int) -> list[int]:
    return [t.id for t in transfers if account_id in (t.debit_account_id, t.credit_account_id)]


def _listing(ledger: Ledger, account_id: int, page: int) -> list[int]:
    """Every transfer of the account, read page by page with the timestamp cursor."""
    out: list[int] = []
    after = 0
    while True:
        rows = ledger.store.account_transfers(account_id, after, page)
        out.extend(t.id for t in rows)
        if len(rows) < page:
            return out
        after = rows[-1].timestamp


@pytest.mark.parametrize("tail_max", [1, 7, 1_000_000])
def test_listings_are_complete_whatever_was_folded(ledger: Ledger, tail_max: int) -> None:
    ledger.store.account_index_tail_max = tail_max
    ledger.create_accounts([account(i) for i in range(1, ACCOUNTS + 1)])
    rng = random.Random(tail_max)
    next_id = 1
    for size in (3, 5, 1, 9, 4, 6):
        batch = []
        for _ in range(size):
            debit, credit = rng.sample(range(1, ACCOUNTS + 1), 2)
            batch.append(transfer(next_id, debit, credit, rng.randrange(1, 100)))
            next_id += 1
        assert set(ledger.create_transfers(batch).results) == {"ok"}
    with ledger.store.read_snapshot():
        stored = list(ledger.store.iter_transfers())
    assert ledger.store.wait_for_background_fold(30)  # PostgreSQL's folder may still be busy
    through, tail = ledger.store.account_index_state()
    if tail_max == 1:
        assert tail == 0 and through == stored[-1].timestamp
    if tail_max == 1_000_000:
        assert through == 0 and tail == len(stored)
    for account_id in range(1, ACCOUNTS + 1):
        for page in (1, 2, 100):
            assert _listing(ledger, account_id, page) == _expected(stored, account_id)
    assert verify(ledger.store).ok


def test_a_fold_that_rolls_back_leaves_the_tail_as_it_was(ledger: Ledger) -> None:
    ledger.store.account_index_tail_max = 2
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5)])
    assert ledger.store.account_index_state()[1] == 1
    with pytest.raises(RuntimeError), ledger.transaction():
        ledger.create_transfers([transfer(2, 1, 2, 5)])  # reaches 2: folds, then rolls back
        raise RuntimeError("caller fails after the batch")
    assert ledger.store.account_index_state() == (0, 1)
    assert _listing(ledger, 1, 10) == [1]
    assert verify(ledger.store).ok


def _rewrite_block_holding(store: LedgerStore, entry: bytes, new_entries: bytes) -> None:
    """Replace the entries of the block that holds `entry` (as someone with the file could)."""
    p = store.p
    rows = store._query(
        "SELECT run_slot, first_account, first_timestamp, entries FROM account_index"
    )
    slot, first_account, first_timestamp, block = next(r for r in rows if entry in bytes(r[3]))
    store._execute(
        f"UPDATE account_index SET entries = {store.p_binary} "
        f"WHERE run_slot = {p} AND first_account = {p} AND first_timestamp = {p}",
        (bytes(block).replace(entry, new_entries), slot, first_account, first_timestamp),
    )


def test_verify_names_a_missing_or_forged_index_entry(ledger: Ledger) -> None:
    ledger.store.account_index_tail_max = 1
    ledger.create_accounts([account(1), account(2), account(3)])
    ledger.create_transfers([transfer(1, 1, 2, 5), transfer(2, 2, 3, 1)])
    first = ledger.store.get_transfer(1)
    assert first is not None
    assert verify(ledger.store).ok
    at = first.timestamp.to_bytes(8, "big")
    # Account 1's entry now says account 3: as many entries, but not the transfers' own.
    _rewrite_block_holding(ledger.store, b16(1) + at, b16(3) + at)
    problems = verify(ledger.store).problems
    assert "account index: its entries are not those of the folded transfers" in problems
    # Removed: one entry fewer than two per folded transfer.
    _rewrite_block_holding(ledger.store, b16(3) + at, b"")
    problems = verify(ledger.store).problems
    assert "account index: 3 entries, 4 expected for 2 folded transfers" in problems


def test_the_migration_folds_an_existing_ledger(tmp_path: Path) -> None:
    """A database made before the index existed gets every old transfer indexed on upgrade."""
    path = tmp_path / "old.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    old = [Transfer(10 + i, 1 + i % 2, 2 - i % 2, 5, 417, 1, timestamp=100 + i) for i in range(3)]
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, "
            "code, flags, pending_id, timeout, user_data_128, user_data_64, user_data_32, "
            "timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [transfer_row(t) for t in old],
        )
    store = open_store(parse_database_url(f"sqlite:///{path}"))  # upgrades to the heads
    try:
        assert store.account_index_state() == (102, 0)
        assert [t.id for t in store.account_transfers(1, 0, 10)] == [10, 11, 12]
        assert store.account_index_counts()["entries"] == 6
    finally:
        store.close()


def test_runs_merge_through_every_level_and_listings_stay_whole(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fold per batch, three runs per level: paced merges into every level and, in the last,
    into itself; after each batch every listing is whole and in order, and verify passes while
    merges are half done."""
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 3)
    store = ledger.store
    store.account_index_tail_max = 1
    store.folds_in_background = False  # every fold inline, so each step is deterministic
    ledger.create_accounts([account(i) for i in range(1, ACCOUNTS + 1)])
    rng = random.Random(5)
    made: list[Transfer] = []
    top = account_index.LEVELS - 1
    half_done_merges = 0
    largest_top_run = 0
    for next_id in range(1, 121):
        debit, credit = rng.sample(range(1, ACCOUNTS + 1), 2)
        assert ledger.create_transfers([transfer(next_id, debit, credit, 1)]).results == ["ok"]
        stored = store.get_transfer(next_id)
        assert stored is not None
        made.append(stored)
        runs = account_index.runs(store).values()
        assert sum(r.entries for r in runs) == 2 * next_id  # the tail is empty after a fold
        half_done_merges += any(r.merge_cursor not in (None, b"") for r in runs)
        top_runs = [r.entries for r in runs if account_index.level_of(r.slot) == top]
        largest_top_run = max([largest_top_run, *top_runs])
        for account_id in (debit, credit):
            assert _listing(ledger, account_id, 3) == _expected(made, account_id)
        if next_id % 10 == 0:
            assert verify(store).ok
    assert half_done_merges > 10
    # A run that reached the last level through merges holds 3**3 folds (54 entries); only a
    # merge of the last level's own runs makes a larger one.
    assert largest_top_run > 2 * 3**3
    for account_id in range(1, ACCOUNTS + 1):
        assert _listing(ledger, account_id, 100) == _expected(made, account_id)
    assert verify(store).ok


def test_busy_accounts_span_blocks_through_folds_and_merges(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of three entries: account 1 is in most transfers, so its entries fill many blocks
    of every run, and merge steps split blocks at their upper account; every listing, page by
    page, stays whole and in order, and verify passes throughout."""
    monkeypatch.setattr(account_index, "BLOCK_ENTRIES_MAX", 3)
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 3)
    store = ledger.store
    store.account_index_tail_max = 10
    store.folds_in_background = False
    ledger.create_accounts([account(i) for i in range(1, 5)])
    rng = random.Random(9)
    made: list[Transfer] = []
    next_id = 1
    for round_number in range(1, 41):
        batch = []
        for _ in range(rng.randrange(1, 8)):
            pair = [1, rng.randrange(2, 5)] if rng.random() < 0.8 else rng.sample(range(2, 5), 2)
            rng.shuffle(pair)
            batch.append(transfer(next_id, pair[0], pair[1], 1))
            next_id += 1
        assert set(ledger.create_transfers(batch).results) == {"ok"}
        stored = [store.get_transfer(t.id) for t in batch]
        made.extend(t for t in stored if t is not None)
        if round_number % 8 == 0:
            for account_id in range(1, 5):
                for page in (1, 2, 3, 4, 7, 100):
                    assert _listing(ledger, account_id, page) == _expected(made, account_id)
            assert verify(store).ok
    runs = account_index.runs(store).values()
    assert any(account_index.level_of(r.slot) > 0 for r in runs)  # merges happened


def test_verify_names_a_run_whose_size_or_range_is_wrong(ledger: Ledger) -> None:
    ledger.store.account_index_tail_max = 1
    ledger.store.folds_in_background = False
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5)])
    ledger.create_transfers([transfer(2, 2, 1, 5)])
    assert verify(ledger.store).ok
    store = ledger.store
    store._execute("UPDATE account_index_runs SET entries = entries + 1")
    store._execute("UPDATE account_index_runs SET last_timestamp = last_timestamp - 1")
    problems = verify(store).problems
    assert any("runs record" in p for p in problems)
    assert any("outside their run" in p for p in problems)


def test_verify_names_a_merge_in_progress_that_is_inconsistent(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 3)
    store = ledger.store
    store.account_index_tail_max = 1
    store.folds_in_background = False
    ledger.create_accounts([account(1), account(2), account(3)])
    for i in range(1, 4):
        ledger.create_transfers([transfer(i, 1 + i % 3, 1 + (i + 1) % 3, 5)])
    target = next(r for r in account_index.runs(store).values() if r.merge_cursor is not None)
    assert verify(store).ok
    p = store.p
    store._execute(
        f"UPDATE account_index_runs SET merge_cursor = {store.p_binary}, first_timestamp = 0 "
        f"WHERE run_slot = {p}",
        (b"\xff" * 16, target.slot),
    )
    problems = verify(store).problems
    assert any("does not span its runs" in p for p in problems)
    store._execute(
        f"UPDATE account_index_runs SET first_timestamp = {p} WHERE run_slot = {p}",
        (target.first_timestamp, target.slot),
    )
    problems = verify(store).problems
    assert any("left behind by a merge" in p for p in problems)
