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


def test_an_idle_ledger_merges_a_full_level(
    ledger: Ledger, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold that would find level 0 full need not merge it: idle time already has."""
    monkeypatch.setattr(account_index, "RUNS_PER_LEVEL", 2)
    store = ledger.store
    store.account_index_tail_max = 1
    store.folds_in_background = False
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5)])
    ledger.create_transfers([transfer(2, 2, 1, 3)])
    assert sorted(account_index.runs(store)) == [0, 1]  # level 0 is full
    clock.advance_s(10)
    assert "account index runs merged" in ledger.maintain()
    level_1 = account_index.level_slots(1)
    assert [s for s in account_index.runs(store) if s not in level_1] == []
    assert ledger.maintain() == []
    assert [t.id for t in store.account_transfers(1, 0, 10)] == [1, 2]
    assert verify(store).ok
