"""create_accounts: every result code, idempotency and linked chains, on both stores."""

from digisom.ledger.model import AccountFlags
from digisom.ledger.service import Ledger
from digisom.limits import U128_MAX
from tests.ledger.conftest import ManualClock
from tests.ledger.helpers import USD, account


def test_new_accounts_are_created_with_zero_balances(ledger: Ledger) -> None:
    result = ledger.create_accounts([account(1), account(2, ledger=USD)])
    assert result.results == ["ok", "ok"]
    found = ledger.store.get_account(2)
    assert found is not None
    record, balances = found
    assert record.account.ledger == USD
    assert balances == (0, 0, 0, 0)
    assert not record.frozen


def test_field_checks_have_their_own_result_codes(ledger: Ledger) -> None:
    both = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
    results = ledger.create_accounts(
        [
            account(0),
            account(U128_MAX),
            account(3, flags=both),
            account(4, ledger=0),
            account(5, code=0),
        ]
    ).results
    assert results == [
        "id_must_not_be_zero",
        "id_must_not_be_int_max",
        "flags_are_mutually_exclusive",
        "ledger_must_not_be_zero",
        "code_must_not_be_zero",
    ]
    assert ledger.store.count_rows("accounts") == 0
    assert ledger.store.head().height == 0


def test_creating_again_is_exists_and_differing_fields_are_reported(ledger: Ledger) -> None:
    assert ledger.create_accounts([account(1)]).results == ["ok"]
    head = ledger.store.head()
    again = ledger.create_accounts([account(1), account(1, ledger=USD), account(1, code=99)])
    assert again.results == [
        "exists",
        "exists_with_different_fields",
        "exists_with_different_fields",
    ]
    assert ledger.store.head() == head, "a batch that changed nothing adds no journal entry"


def test_duplicate_in_one_batch_is_exists(ledger: Ledger) -> None:
    assert ledger.create_accounts([account(7), account(7)]).results == ["ok", "exists"]


def test_linked_chain_of_accounts_is_all_or_nothing(ledger: Ledger) -> None:
    linked = AccountFlags.LINKED
    results = ledger.create_accounts(
        [account(1, flags=linked), account(2, flags=linked), account(3, code=0), account(4)]
    ).results
    assert results == ["linked_event_failed", "linked_event_failed", "code_must_not_be_zero", "ok"]
    assert ledger.store.get_account(1) is None
    assert ledger.store.get_account(2) is None
    assert ledger.store.get_account(4) is not None


def test_open_chain_at_the_end_of_a_batch_fails(ledger: Ledger) -> None:
    results = ledger.create_accounts(
        [account(1), account(2, flags=AccountFlags.LINKED), account(3, flags=AccountFlags.LINKED)]
    ).results
    assert results == ["ok", "linked_event_failed", "linked_event_chain_open"]
    assert ledger.store.get_account(2) is None
    assert ledger.store.get_account(3) is None


def test_timestamps_increase_even_when_the_clock_goes_back(
    ledger: Ledger, clock: ManualClock
) -> None:
    ledger.create_accounts([account(1)])
    clock.now_ns -= 10**12
    ledger.create_accounts([account(2), account(3)])
    stamps = [ledger.store.get_account(i)[0].timestamp for i in (1, 2, 3)]  # type: ignore[index]
    assert stamps[0] < stamps[1] < stamps[2]
    assert ledger.store.head().last_timestamp >= stamps[2]
