"""`verify` passes on an honest ledger and names each kind of tampering."""

from typing import Any

import pytest

from digisom.ledger.model import TransferFlags
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.balance_log import ReplayedLog
from digisom.storage.codec import b16, pack_log_row
from tests.ledger.helpers import account, post, transfer


@pytest.fixture
def busy(ledger: Ledger) -> Ledger:
    ledger.create_accounts([account(1), account(2), account(3)])
    ledger.create_transfers([transfer(10, 1, 2, 500), transfer(11, 2, 3, 200)])
    ledger.create_transfers(
        [transfer(12, 1, 3, 70, flags=TransferFlags.PENDING), transfer(13, 1, 2, 9)]
    )
    ledger.create_transfers([post(14, 12, amount=30)])
    ledger.set_frozen(3, True, "test")
    return ledger


def sql(ledger: Ledger, statement: str, *params: Any) -> None:
    """Tamper with the database behind the ledger's back, as an attacker with SQL access would."""
    p = ledger.store.p
    ledger.store._execute(statement.replace("?", p), params)


def test_an_honest_ledger_verifies(busy: Ledger) -> None:
    report = verify(busy.store)
    assert report.ok, report.problems
    assert report.journal_height == busy.store.head().height == 5
    assert report.journal_head_hex == busy.store.head().hash.hex()
    assert report.ledgers[417]["debits_posted"] == report.ledgers[417]["credits_posted"] == "739"


def test_a_changed_amount_is_detected(busy: Ledger) -> None:
    sql(busy, "UPDATE transfers SET amount = ? WHERE id = ?", b16(499), b16(10))
    report = verify(busy.store)
    assert not report.ok
    assert any("entry 2 does not match its rows" in p for p in report.problems)


def test_a_removed_row_is_detected(busy: Ledger) -> None:
    sql(busy, "DELETE FROM transfers WHERE id = ?", b16(13))
    report = verify(busy.store)
    assert any("entry 3 does not match its rows (1 rows, 2 recorded)" in p for p in report.problems)


def test_reordered_rows_are_detected(busy: Ledger) -> None:
    first = busy.store.get_transfer(10)
    second = busy.store.get_transfer(11)
    assert first is not None and second is not None
    sql(busy, "UPDATE transfers SET timestamp = 1 WHERE id = ?", b16(10))
    sql(busy, "UPDATE transfers SET timestamp = ? WHERE id = ?", first.timestamp, b16(11))
    sql(busy, "UPDATE transfers SET timestamp = ? WHERE id = ?", second.timestamp, b16(10))
    report = verify(busy.store)
    assert any("entry 2 does not match" in p for p in report.problems)


def test_a_rewritten_journal_entry_breaks_the_link(busy: Ledger) -> None:
    sql(busy, "UPDATE journal SET hash = ? WHERE height = 2", bytes(32))
    report = verify(busy.store)
    assert any("entry 2 does not match" in p for p in report.problems)
    assert any("entry 3 does not link" in p for p in report.problems)


def test_an_edited_balance_is_detected(busy: Ledger) -> None:
    with busy.store.write_transaction():
        busy.store.checkpoint_balances(busy.store.head().height)
    sql(busy, "UPDATE balances SET credits_posted = ? WHERE id = ?", b16(10**6), b16(2))
    report = verify(busy.store)
    assert any("account 2: balances" in p for p in report.problems)
    assert any("ledger 417: debits do not equal credits" in p for p in report.problems)


def test_an_edited_balance_log_is_detected(busy: Ledger) -> None:
    """Before a checkpoint the newest balances are in the log: editing it is caught too."""
    account_2 = pack_log_row([(2, (0, 200, 0, 10**6))])
    sql(busy, "UPDATE balance_log SET changes = ? WHERE height = 3", account_2)
    busy.store._replay = ReplayedLog()  # as another process would: replay the edited log
    report = verify(busy.store)
    assert any("account 2: balances" in p for p in report.problems)
    assert any("ledger 417: debits do not equal credits" in p for p in report.problems)


def test_a_pending_state_edited_to_release_funds_is_detected(busy: Ledger) -> None:
    sql(busy, "UPDATE pending_transfers SET status = 0 WHERE id = ?", b16(12))
    report = verify(busy.store)
    assert any("pending transfer 12 is not posted" in p for p in report.problems)


def test_an_inserted_row_is_detected(busy: Ledger) -> None:
    late = busy.store.head().last_timestamp + 1000
    sql(
        busy,
        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, code, "
        "flags, pending_id, timeout, user_data_128, user_data_64, user_data_32, timestamp) "
        "VALUES (?, ?, ?, ?, 417, 1, 0, ?, 0, ?, ?, 0, ?)",
        b16(99),
        b16(1),
        b16(2),
        b16(5),
        b16(0),
        b16(0),
        bytes(8),
        late,
    )
    report = verify(busy.store)
    assert any("after the journal head" in p for p in report.problems)
