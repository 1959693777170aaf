"""Disbursement files: per-row verdicts, exactly-once payment on re-upload and after a crash."""

import json

import pytest

from digisom.errors import InvalidInput
from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.limits import LEDGER_KGS
from digisom.platform import chains, db, disbursements, wallets
from digisom.platform.accounts import Code, account_id
from digisom.platform.disbursements import RowStatus
from digisom.platform.issuance import check_issuance
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

from .conftest import World

GOOD_AND_BAD = (
    "wallet_id,national_id,amount,reference\n"
    "w-alice,,150000,PAY-1\n"
    ",21234567890124,250000,PAY-2\n"  # bob, by national id
    "w-nobody,,100,PAY-3\n"
    "w-alice,,12.50,PAY-4\n"
    "w-alice,21234567890123,100,PAY-5\n"
    ",99999999999999,100,PAY-6\n"
    "w-carol,,100,PAY-1\n"
    "w-carol,,100,bad reference!\n"
    "w-carol,,4000000,PAY-9\n"  # over carol's tier0 holding limit, no linked account
)


def test_rows_are_judged_and_paid_once(world: World) -> None:
    ledger = world.ledger
    progress, new = disbursements.upload(
        ledger, "treasury", "payroll", "payroll.csv", GOOD_AND_BAD.encode()
    )
    assert new and progress.rows == 9 and progress.invalid == 6 and progress.waiting == 3
    bad = disbursements.rows(ledger.store, progress.disbursement_id, RowStatus.INVALID, 100)
    assert [(r.line, r.reason) for r in bad] == [
        (3, "wallet w-nobody not found"),
        (4, "amount must be whole tyiyn between 1 and 1000000000000"),
        (5, "give exactly one of wallet_id and national_id"),
        (6, "no participant with this national id"),
        (7, "duplicate reference PAY-1 in this file"),
        (8, "reference: 1-64 of A-Z a-z 0-9 / _ . -"),
    ]
    done = disbursements.run(ledger, progress.disbursement_id)
    assert done.done and done.paid == 2 and done.refused == 1
    assert done.paid_amount == 400_000
    refused = disbursements.rows(ledger.store, progress.disbursement_id, RowStatus.REFUSED, 10)
    assert "holding limit" in refused[0].reason
    again, new = disbursements.upload(
        ledger, "treasury", "payroll", "again.csv", GOOD_AND_BAD.encode()
    )
    assert not new and again.disbursement_id == progress.disbursement_id
    assert disbursements.run(ledger, again.disbursement_id).paid == 2
    assert wallets.view(ledger, "w-alice").balance == 150_000
    assert wallets.view(ledger, "w-bob").balance == 250_000
    assert check_issuance(ledger.store).ok


def test_file_level_errors_change_nothing(world: World) -> None:
    ledger = world.ledger
    with pytest.raises(InvalidInput, match="CSV header"):
        disbursements.upload(ledger, "treasury", "payroll", "x.csv", b"a,b\n1,2\n")
    with pytest.raises(InvalidInput, match="only government"):
        disbursements.upload(ledger, "bank-a", "payroll", "x.csv", GOOD_AND_BAD.encode())
    with pytest.raises(InvalidInput, match="purpose"):
        disbursements.upload(ledger, "treasury", "bonus", "x.csv", GOOD_AND_BAD.encode())
    with pytest.raises(InvalidInput, match="valid JSON"):
        disbursements.upload(ledger, "treasury", "pension", "x.json", b"[{")
    assert ledger.store.count_rows("platform_disbursements") == 0


def test_a_crash_or_a_lost_verdict_resumes_without_paying_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = world.ledger
    rows_total = 2 * disbursements.ROWS_PER_BATCH_MAX + 1810  # three ledger batches
    data = [
        {
            "wallet_id": ("w-alice", "w-bob", "w-carol")[i % 3],
            "amount": 100,
            "reference": f"PEN-{i}",
        }
        for i in range(rows_total)
    ]
    progress, _ = disbursements.upload(
        ledger, "ministry-health", "pension", "pension.json", json.dumps(data).encode()
    )
    assert progress.waiting == rows_total
    # Fund the agency: it holds reserves only through the Treasury, so the Treasury pays it.
    fund = Transfer(
        555,
        account_id("treasury", Code.GOV_DIGITAL),
        account_id("ministry-health", Code.GOV_DIGITAL),
        10_000_000,
        LEDGER_KGS,
        20,
    )
    assert ledger.create_transfers([fund]).results == ["ok"]
    first = disbursements.run(ledger, progress.disbursement_id, batches_max=1)
    assert first.paid == disbursements.ROWS_PER_BATCH_MAX

    # The process dies while recording the second batch's verdicts: the batch rolls back whole.
    def crash(*args: object) -> None:
        raise SystemExit("killed")

    second_line = disbursements.ROWS_PER_BATCH_MAX + 1
    second_leg = disbursements.main_transfer_id(progress.disbursement_id, second_line)
    with monkeypatch.context() as patched:
        patched.setattr(disbursements, "_record_verdicts", crash)
        with pytest.raises(SystemExit):
            disbursements.run(ledger, progress.disbursement_id, batches_max=1)
    assert ledger.store.get_transfer(second_leg) is None
    # A ledger written before batches and verdicts shared a transaction: the money legs are in,
    # the rows still wait. Resuming must mark them paid without paying them again.
    with monkeypatch.context() as patched:
        patched.setattr(disbursements, "_record_verdicts", lambda *args: None)
        disbursements.run(ledger, progress.disbursement_id, batches_max=1)
    assert ledger.store.get_transfer(second_leg) is not None
    store = ledger.store
    assert disbursements.progress(store, progress.disbursement_id).paid == first.paid
    store.close()

    fresh = Ledger(open_store(parse_database_url(world.url)))
    try:
        seen: list[disbursements.Progress] = []
        done = disbursements.run(fresh, progress.disbursement_id, seen.append)
        assert done.paid == rows_total and done.waiting == 0 and len(seen) == 2
        assert sum(wallets.view(fresh, w).balance for w in ("w-alice", "w-bob", "w-carol")) == (
            rows_total * 100
        )
        assert check_issuance(fresh.store).ok
    finally:
        fresh.store.close()
    world.ledger = Ledger(open_store(parse_database_url(world.url)))


def test_fast_row_chain_equals_the_reference_steps(world: World) -> None:
    """The payroll's fast path builds exactly the transfers of the readable reference."""
    store = world.ledger.store
    payer = account_id("treasury", Code.GOV_DIGITAL)
    for wallet_id, amount, headroom in (
        ("w-alice", 500, 10_000),  # linked, fits: money leg and headroom
        ("w-alice", 5_000, 1_000),  # linked, over its headroom: sweep of the excess too
        ("w-alice", 5_000, 0),  # linked, no headroom at all: everything swept
        ("w-carol", 700, 0),  # not linked: headroom taken whatever it is (the ledger decides)
    ):
        wallet = db.get_wallet(store, wallet_id)
        row = disbursements.Row(7, wallet_id, amount, "R-7", RowStatus.WAITING, "")
        reference = chains.link(disbursements._row_steps("d-x", payer, row, wallet, headroom))
        ids = disbursements.row_transfer_ids("d-x", 7)
        fast = disbursements._row_chain(ids, payer, row, wallet, headroom)
        assert fast == reference, wallet_id
