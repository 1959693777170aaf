"""A service may run ledger batches inside its own write transaction: all or nothing together."""

import pytest

from digisom.ledger.service import Ledger
from tests.ledger.helpers import account, transfer


class Abort(Exception):
    pass


def test_an_outer_rollback_undoes_the_ledger_batch_and_the_cache(ledger: Ledger) -> None:
    ledger.create_accounts([account(1), account(2)])
    head = ledger.store.head()
    with pytest.raises(Abort), ledger.store.write_transaction():
        assert ledger.create_transfers([transfer(10, 1, 2, 5)]).results == ["ok"]
        raise Abort
    assert ledger.store.head() == head
    assert ledger.store.get_transfer(10) is None
    # The cache saw the batch commit inside the outer transaction; it must not be believed now.
    assert ledger.create_transfers([transfer(11, 1, 2, 1)]).results == ["ok"]
    state = ledger.get_account(2)
    assert state is not None and state.credits_posted == 1


def test_an_outer_commit_keeps_the_ledger_batch(ledger: Ledger) -> None:
    ledger.create_accounts([account(1), account(2)])
    with ledger.store.write_transaction():
        ledger.create_transfers([transfer(10, 1, 2, 5)])
        ledger.create_transfers([transfer(11, 1, 2, 6)])
    state = ledger.get_account(2)
    assert state is not None and state.credits_posted == 11
    assert ledger.store.head().height == 3


def test_ledger_transaction_groups_a_freeze_window_atomically(ledger: Ledger) -> None:
    """What a seizure does: unfreeze, move, refreeze; a refusal undoes the unfreeze too."""
    ledger.create_accounts([account(1), account(2)])
    ledger.set_frozen(1, True, "order")
    with pytest.raises(Abort), ledger.transaction():
        ledger.set_frozen(1, False, "seizure")
        assert ledger.create_transfers([transfer(10, 1, 2, 5)]).results == ["ok"]
        raise Abort  # e.g. the transfer was refused
    state = ledger.get_account(1)
    assert state is not None and state.frozen and state.debits_posted == 0
