"""create_transfers: balances, every refusal, idempotency, freezes and linked chains."""

import pytest

from digisom.ledger.model import AccountFlags, TransferFlags
from digisom.ledger.service import Ledger
from digisom.limits import U128_MAX
from tests.ledger.helpers import USD, account, transfer

ISSUER = 1  # may go negative: no balance flag
ALICE = 2  # debits must not exceed credits: cannot be overdrawn
BOB = 3
LIABILITY = 4  # credits must not exceed debits
DOLLARS = 5


@pytest.fixture
def funded(ledger: Ledger) -> Ledger:
    no_overdraft = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    ledger.create_accounts(
        [
            account(ISSUER),
            account(ALICE, flags=no_overdraft),
            account(BOB, flags=no_overdraft),
            account(LIABILITY, flags=AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
            account(DOLLARS, ledger=USD),
        ]
    )
    assert ledger.create_transfers([transfer(100, ISSUER, ALICE, 10_000)]).results == ["ok"]
    return ledger


def balances(ledger: Ledger, account_id: int) -> tuple[int, int, int, int]:
    found = ledger.store.get_account(account_id)
    assert found is not None
    return found[1]


def test_a_transfer_moves_posted_balances(funded: Ledger) -> None:
    assert funded.create_transfers([transfer(1, ALICE, BOB, 2_500)]).results == ["ok"]
    assert balances(funded, ALICE) == (0, 2_500, 0, 10_000)
    assert balances(funded, BOB) == (0, 0, 0, 2_500)
    stored = funded.store.get_transfer(1)
    assert stored is not None and stored.amount == 2_500 and stored.timestamp > 0


def test_field_refusals_in_tigerbeetle_order(funded: Ledger) -> None:
    results = funded.create_transfers(
        [
            transfer(0, ALICE, BOB, 1),
            transfer(U128_MAX, ALICE, BOB, 1),
            transfer(
                2, ALICE, BOB, 1, flags=TransferFlags.PENDING | TransferFlags.VOID_PENDING_TRANSFER
            ),
            transfer(3, 0, BOB, 1),
            transfer(4, ALICE, 0, 1),
            transfer(5, ALICE, ALICE, 1),
            transfer(6, ALICE, BOB, 1, pending_id=9),
            transfer(7, ALICE, BOB, 1, timeout=5),
            transfer(8, ALICE, BOB, 1, ledger=0),
            transfer(9, ALICE, BOB, 1, code=0),
            transfer(10, 99, BOB, 1),
            transfer(11, ALICE, 99, 1),
            transfer(12, ALICE, DOLLARS, 1),
            transfer(13, ALICE, BOB, 1, ledger=USD),
            transfer(14, ALICE, BOB, 0),
            transfer(15, ALICE, BOB, 10_001),
            transfer(16, ISSUER, LIABILITY, 1),
        ]
    ).results
    assert results == [
        "id_must_not_be_zero",
        "id_must_not_be_int_max",
        "flags_are_mutually_exclusive",
        "debit_account_id_must_not_be_zero",
        "credit_account_id_must_not_be_zero",
        "accounts_must_be_different",
        "pending_id_must_be_zero",
        "timeout_reserved_for_pending_transfer",
        "ledger_must_not_be_zero",
        "code_must_not_be_zero",
        "debit_account_not_found",
        "credit_account_not_found",
        "accounts_must_have_the_same_ledger",
        "ledger_must_match",
        "amount_must_not_be_zero",
        "exceeds_credits",
        "exceeds_debits",
    ]
    assert balances(funded, ALICE) == (0, 0, 0, 10_000), "refused transfers change nothing"
    assert funded.store.count_rows("transfers") == 1


def test_retry_is_exists_and_changed_retry_is_refused(funded: Ledger) -> None:
    assert funded.create_transfers([transfer(1, ALICE, BOB, 700)]).results == ["ok"]
    again = funded.create_transfers([transfer(1, ALICE, BOB, 700), transfer(1, ALICE, BOB, 701)])
    assert again.results == ["exists", "exists_with_different_fields"]
    assert balances(funded, BOB) == (0, 0, 0, 700), "nothing is applied twice"


def test_overflow_is_refused(ledger: Ledger) -> None:
    ledger.create_accounts([account(1), account(2)])
    assert ledger.create_transfers([transfer(1, 1, 2, U128_MAX)]).results == ["ok"]
    assert ledger.create_transfers([transfer(2, 1, 2, 1)]).results == ["overflows_debits_posted"]
    assert ledger.create_transfers([transfer(3, 1, 2, 1, flags=TransferFlags.PENDING)]).results == [
        "overflows_debits"
    ]


def test_frozen_accounts_take_no_debit_or_credit(funded: Ledger) -> None:
    funded.set_frozen(ALICE, True, "court order 12/2026")
    results = funded.create_transfers(
        [transfer(1, ALICE, BOB, 1), transfer(2, ISSUER, ALICE, 1)]
    ).results
    assert results == ["debit_account_frozen", "credit_account_frozen"]
    funded.set_frozen(ALICE, False, "order lifted")
    assert funded.create_transfers([transfer(1, ALICE, BOB, 1)]).results == ["ok"]
    with funded.store.read_snapshot():
        events = list(funded.store.iter_account_events())
    assert [(e.account_id, e.reason) for e in events] == [
        (ALICE, "court order 12/2026"),
        (ALICE, "order lifted"),
    ]


def test_linked_transfers_fail_together(funded: Ledger) -> None:
    linked = TransferFlags.LINKED
    results = funded.create_transfers(
        [
            transfer(1, ALICE, BOB, 6_000, flags=linked),
            transfer(2, ALICE, BOB, 6_000),  # would overdraw: the chain fails
            transfer(3, ALICE, BOB, 1_000),
        ]
    ).results
    assert results == ["linked_event_failed", "exceeds_credits", "ok"]
    assert balances(funded, BOB) == (0, 0, 0, 1_000)
    assert funded.store.get_transfer(1) is None


def test_a_failed_chain_undoes_what_it_did_before_the_next_chain_runs(funded: Ledger) -> None:
    linked = TransferFlags.LINKED
    results = funded.create_transfers(
        [
            transfer(1, ALICE, BOB, 9_000, flags=linked),
            transfer(2, BOB, ALICE, 9_000, flags=linked),
            transfer(3, ALICE, BOB, 0),
            transfer(4, ALICE, BOB, 9_500, flags=linked),
            transfer(5, BOB, ALICE, 100),
        ]
    ).results
    assert results == [
        "linked_event_failed",
        "linked_event_failed",
        "amount_must_not_be_zero",
        "ok",
        "ok",
    ]
    assert balances(funded, ALICE) == (0, 9_500, 0, 10_100)


def test_a_retried_chain_reports_exists_for_every_event(funded: Ledger) -> None:
    chain = [
        transfer(1, ALICE, BOB, 10, flags=TransferFlags.LINKED),
        transfer(2, BOB, ALICE, 5),
    ]
    assert funded.create_transfers(chain).results == ["ok", "ok"]
    assert funded.create_transfers(chain).results == ["exists", "exists"]
    assert balances(funded, BOB) == (0, 5, 0, 10)


def test_history_flag_keeps_a_balance_after_every_transfer(ledger: Ledger) -> None:
    ledger.create_accounts([account(1), account(2, flags=AccountFlags.HISTORY)])
    ledger.create_transfers([transfer(1, 1, 2, 5), transfer(2, 1, 2, 7)])
    rows = ledger.store.account_history(2, 0, 10)
    assert [r[1] for r in rows] == [(0, 0, 0, 5), (0, 0, 0, 12)]
    assert ledger.store.account_history(1, 0, 10) == []


def test_account_transfers_are_paged_in_timestamp_order(funded: Ledger) -> None:
    funded.create_transfers([transfer(i, ALICE, BOB, 1) for i in range(1, 6)])
    funded.create_transfers([transfer(6, BOB, ALICE, 1)])
    first = funded.store.account_transfers(BOB, 0, 4)
    assert [t.id for t in first] == [1, 2, 3, 4]
    rest = funded.store.account_transfers(BOB, first[-1].timestamp, 4)
    assert [t.id for t in rest] == [5, 6]
