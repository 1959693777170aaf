"""Two-phase transfers: reserve, post all or part, void, expiry."""

import pytest

from digisom.ledger.model import AccountFlags, PendingStatus, TransferFlags
from digisom.ledger.service import Ledger
from tests.ledger.conftest import ManualClock
from tests.ledger.helpers import account, post, transfer, void

PENDING = TransferFlags.PENDING
SOURCE, PAYEE = 1, 2


@pytest.fixture
def funded(ledger: Ledger) -> Ledger:
    ledger.create_accounts(
        [
            account(9),
            account(SOURCE, flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
            account(PAYEE),
        ]
    )
    ledger.create_transfers([transfer(100, 9, SOURCE, 1_000)])
    return ledger


def balances(ledger: Ledger, account_id: int) -> tuple[int, int, int, int]:
    found = ledger.store.get_account(account_id)
    assert found is not None
    return found[1]


def test_pending_reserves_and_counts_against_the_limit(funded: Ledger) -> None:
    assert funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING)]).results == [
        "ok"
    ]
    assert balances(funded, SOURCE) == (800, 0, 0, 1_000)
    assert balances(funded, PAYEE) == (0, 0, 800, 0)
    assert funded.create_transfers([transfer(2, SOURCE, PAYEE, 201)]).results == ["exceeds_credits"]


def test_post_all_with_amount_zero(funded: Ledger) -> None:
    funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING)])
    assert funded.create_transfers([post(2, 1)]).results == ["ok"]
    assert balances(funded, SOURCE) == (0, 800, 0, 1_000)
    assert balances(funded, PAYEE) == (0, 0, 0, 800)
    stored = funded.store.get_transfer(2)
    assert stored is not None and stored.amount == 800 and stored.debit_account_id == SOURCE
    assert funded.store.pending_status(1) is not None
    assert funded.store.pending_status(1).status is PendingStatus.POSTED  # type: ignore[union-attr]


def test_post_part_releases_the_rest(funded: Ledger) -> None:
    funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING)])
    assert funded.create_transfers([post(2, 1, amount=300)]).results == ["ok"]
    assert balances(funded, SOURCE) == (0, 300, 0, 1_000)
    assert balances(funded, PAYEE) == (0, 0, 0, 300)


def test_void_releases_everything(funded: Ledger) -> None:
    funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING)])
    assert funded.create_transfers([void(2, 1)]).results == ["ok"]
    assert balances(funded, SOURCE) == (0, 0, 0, 1_000)
    assert balances(funded, PAYEE) == (0, 0, 0, 0)


def test_resolution_refusals(funded: Ledger) -> None:
    funded.create_transfers(
        [transfer(1, SOURCE, PAYEE, 800, flags=PENDING), transfer(2, SOURCE, PAYEE, 10)]
    )
    results = funded.create_transfers(
        [
            post(3, 0),
            post(3, 3),
            post(3, 77),
            post(3, 2),
            post(3, 1, amount=801),
            void(3, 1, amount=5),
            transfer(3, PAYEE, SOURCE, 0, flags=TransferFlags.POST_PENDING_TRANSFER, pending_id=1),
            post(4, 1),
            post(5, 1),
            void(6, 1),
        ]
    ).results
    assert results == [
        "pending_id_must_not_be_zero",
        "pending_id_must_be_different",
        "pending_transfer_not_found",
        "pending_transfer_not_pending",
        "exceeds_pending_transfer_amount",
        "pending_transfer_has_different_amount",
        "pending_transfer_has_different_debit_account_id",
        "ok",
        "pending_transfer_already_posted",
        "pending_transfer_already_posted",
    ]
    funded.create_transfers([transfer(7, SOURCE, PAYEE, 5, flags=PENDING), void(8, 7)])
    assert funded.create_transfers([post(9, 7)]).results == ["pending_transfer_already_voided"]
    assert funded.create_transfers([post(4, 1)]).results == ["exists"]


def test_expired_pending_is_released_and_can_be_neither_posted_nor_voided(
    funded: Ledger, clock: ManualClock
) -> None:
    funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING, timeout=60)])
    clock.advance_s(59)
    assert funded.create_transfers([transfer(2, SOURCE, PAYEE, 201)]).results == ["exceeds_credits"]
    clock.advance_s(2)
    assert funded.create_transfers([post(3, 1), void(4, 1)]).results == [
        "pending_transfer_expired",
        "pending_transfer_expired",
    ]
    assert balances(funded, SOURCE) == (0, 0, 0, 1_000)
    assert funded.store.pending_status(1).status is PendingStatus.EXPIRED  # type: ignore[union-attr]


def test_expiry_runs_without_a_batch(funded: Ledger, clock: ManualClock) -> None:
    funded.create_transfers([transfer(1, SOURCE, PAYEE, 800, flags=PENDING, timeout=1)])
    assert funded.expire_pending() == 0
    clock.advance_s(2)
    assert funded.expire_pending() == 1
    assert balances(funded, PAYEE) == (0, 0, 0, 0)


def test_post_needs_unfrozen_accounts_but_void_does_not(funded: Ledger) -> None:
    funded.create_transfers(
        [
            transfer(1, SOURCE, PAYEE, 100, flags=PENDING),
            transfer(2, SOURCE, PAYEE, 100, flags=PENDING),
        ]
    )
    funded.set_frozen(PAYEE, True, "sanctions hit under review")
    assert funded.create_transfers([post(3, 1), void(4, 2)]).results == [
        "credit_account_frozen",
        "ok",
    ]
    assert balances(funded, SOURCE) == (100, 0, 0, 1_000)
