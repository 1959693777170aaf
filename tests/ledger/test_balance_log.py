"""Balances through the log and its checkpoints: every reader sees the committed balances."""

import pytest

from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.ledger.helpers import account, transfer


@pytest.fixture
def two_writers(db_url: str) -> tuple[Ledger, Ledger]:
    """Two ledgers on one database, as two processes would be, checkpointing every 2 batches."""
    ledgers = []
    for _ in range(2):
        store = open_store(parse_database_url(db_url))
        store.balance_checkpoint_batches = 2
        ledgers.append(Ledger(store))
    yield ledgers[0], ledgers[1]
    for ledger in ledgers:
        ledger.store.close()


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
    assert a.store._query("SELECT through_height, log_rows FROM balances_state")[0] == (0, 1)
    assert a.create_transfers([transfer(2, 1, 2, 7)]).results == ["ok"]
    assert posted(b, 2) == (0, 12)
    assert verify(b.store).ok
