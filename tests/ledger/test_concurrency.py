"""Many writers at once: no update is lost and no limited account is overdrawn.

Four processes race to spend one account's balance (debits must not exceed credits) on the same
database. The database's write lock serialises their batches, so the accepted transfers add up
exactly to what the account could pay, and `verify` finds every balance consistent.
"""

import multiprocessing

import pytest

from digisom.ledger.model import AccountFlags, Transfer
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.ledger.helpers import account, transfer
from tests.ledger.workers import AMOUNT, SOURCE, drain

WORKERS = 4
BATCHES = 6
BATCH_SIZE = 50
FUNDS = AMOUNT * 500  # less than the 4 * 6 * 50 = 1,200 transfers the workers try


def test_concurrent_processes_neither_lose_updates_nor_overdraw(db_url: str) -> None:
    store = open_store(parse_database_url(db_url))
    ledger = Ledger(store)
    limited = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    ledger.create_accounts(
        [account(99), account(SOURCE, flags=limited), account(2), account(3), account(4)]
    )
    assert ledger.create_transfers([transfer(1, 99, SOURCE, FUNDS)]).results == ["ok"]
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        accepted = pool.starmap(
            drain, [(db_url, worker, BATCHES, BATCH_SIZE) for worker in range(WORKERS)]
        )
    assert sum(accepted) == FUNDS // AMOUNT, accepted
    found = ledger.get_account(SOURCE)
    assert found is not None
    assert found.debits_posted == found.credits_posted == FUNDS
    assert store.count_rows("transfers") == 1 + FUNDS // AMOUNT
    report = verify(store)
    assert report.ok, report.problems
    store.close()


def test_a_cached_ledger_sees_what_another_writer_committed(db_url: str) -> None:
    first = Ledger(open_store(parse_database_url(db_url)))
    second = Ledger(open_store(parse_database_url(db_url), migrate=False))
    limited = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    first.create_accounts([account(9), account(1, flags=limited), account(2)])
    assert first.create_transfers([transfer(1, 9, 1, 100)]).results == ["ok"]
    # `second` spends the balance that `first` still has in its cache.
    assert second.create_transfers([transfer(2, 1, 2, 100)]).results == ["ok"]
    assert first.create_transfers([transfer(3, 1, 2, 1)]).results == ["exceeds_credits"]
    state = first.get_account(1)
    assert state is not None and state.debits_posted == 100
    # A batch that fails in the database leaves no stale cache behind.
    failing = Transfer(4, 9, 2, 5, 417, 1)
    first.store.close()
    with pytest.raises(Exception, match="closed"):
        first.create_transfers([failing])
    assert first.cache.head is None
    second.store.close()
