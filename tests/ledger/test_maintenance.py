"""Idle-time maintenance: the checkpoint and the fold happen between batches, not inside one."""

import pytest

from digisom.ledger import service
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage import account_index
from tests.ledger.conftest import ManualClock
from tests.ledger.helpers import account, transfer


def test_an_idle_ledger_is_checkpointed_and_folded(
    ledger: Ledger, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAINTENANCE_FOLD_TRANSFERS_MIN", 2)
    store = ledger.store
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5), transfer(2, 2, 1, 3)])
    head = store.head()
    assert ledger.maintain() == []  # a batch has just come: not idle
    clock.advance_s(1)
    assert ledger.maintain(idle_s=2) == []
    clock.advance_s(2)
    assert ledger.maintain(idle_s=2) == ["balances checkpointed", "account index folded"]
    assert store.balance_log_state() == (head.height, head.height)  # the log is empty
    assert store.account_index_state() == (head.last_timestamp, 0)
    assert store.head() == head  # nothing journaled: the account cache stays valid
    assert ledger.cache.head == head
    state = ledger.get_account(2)
    assert state is not None and state.credits_posted == 5
    assert [t.id for t in store.account_transfers(1, 0, 10)] == [1, 2]
    assert ledger.maintain(idle_s=2) == []  # nothing left to do
    assert verify(store).ok


def test_a_small_tail_waits_for_a_batch_worth(ledger: Ledger, clock: ManualClock) -> None:
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5)])
    clock.advance_s(10)
    assert ledger.maintain() == ["balances checkpointed"]
    assert ledger.store.account_index_state()[1] == 1


def test_an_idle_ledger_finishes_a_merge_in_progress(
    ledger: Ledger, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folds move a merge forward a step at a time; idle time finishes it."""
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 3)
    store = ledger.store
    store.account_index_tail_max = 1
    store.folds_in_background = False
    ledger.create_accounts([account(1), account(2)])
    for i in range(1, 4):
        ledger.create_transfers([transfer(i, 1 + i % 2, 2 - i % 2, 5)])
    runs = account_index.runs(store)
    target = next(r for r in runs.values() if r.merge_cursor is not None)
    assert sorted(r.slot for r in runs.values() if r.merging_into == target.slot) == [0, 1, 2]
    assert 0 < target.entries < 6  # level 0's merge is under way, not done
    assert verify(store).ok
    clock.advance_s(10)
    assert "account index runs merged" in ledger.maintain()
    assert [(r.slot, r.entries, r.merge_cursor) for r in account_index.runs(store).values()] == [
        (target.slot, 6, None)
    ]
    assert ledger.maintain() == []
    assert [t.id for t in store.account_transfers(1, 0, 10)] == [1, 2, 3]
    assert verify(store).ok
