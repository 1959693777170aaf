"""Issuance and its invariant, wallets' limits, waterfall and reverse waterfall, idempotency."""

import pytest

from digisom.errors import InvalidInput
from digisom.ledger.model import Transfer
from digisom.limits import LEDGER_KGS
from digisom.platform import db, issuance, taxes, wallets
from digisom.platform.accounts import Code, TransferCode, account_id
from digisom.platform.errors import Refused
from digisom.platform.issuance import check_issuance
from digisom.platform.payments import Payee, Receipt, pay, top_up
from digisom.platform.records import Wallet
from digisom.platform.tiers import SOM, TIERS

from .conftest import World


def _wallet(world: World, wallet_id: str) -> Wallet:
    return db.get_wallet(world.ledger.store, wallet_id)


def _fund(world: World, wallet_id: str, amount: int, op: str) -> None:
    wallet = _wallet(world, wallet_id)
    top_up(world.ledger, op, account_id(wallet.bank_id, Code.BANK_DIGITAL), wallet, amount)


def test_issue_and_redeem_keep_circulation_equal_to_liability(world: World) -> None:
    ledger = world.ledger
    report = check_issuance(ledger.store)
    assert report.ok, report.problems
    assert report.issued_posted == 3_000_000 * SOM
    reserve = account_id("bank-a", Code.BANK_RESERVE)
    before = wallets.available(ledger, reserve)
    issuance.issue(ledger, "bank-a", 500 * SOM, "issue-2")
    issuance.issue(ledger, "bank-a", 500 * SOM, "issue-2")  # a retry issues nothing more
    assert wallets.available(ledger, reserve) == before - 500 * SOM
    issuance.redeem(ledger, "bank-a", 200 * SOM, "redeem-1")
    _fund(world, "w-alice", 1000 * SOM, "fund-alice")
    report = check_issuance(ledger.store)
    assert report.ok, report.problems
    assert report.issued_posted == 3_000_000 * SOM + 300 * SOM
    with pytest.raises(Refused, match="reserve balance"):
        issuance.issue(ledger, "bank-b", 10**14, "too-much")
    with pytest.raises(InvalidInput, match="only banks and the Treasury"):
        issuance.issue(ledger, "alice", 100, "citizen")


def test_check_issuance_finds_money_leaving_circulation(world: World) -> None:
    ledger = world.ledger
    # Move digital som straight into a reserve account, bypassing redemption: a broken rule.
    leak = Transfer(
        77,
        account_id("bank-a", Code.BANK_DIGITAL),
        account_id("bank-a", Code.BANK_RESERVE),
        5,
        LEDGER_KGS,
        99,
    )
    assert ledger.create_transfers([leak]).results == ["ok"]
    report = check_issuance(ledger.store)
    assert not report.ok
    assert "posted: circulation" in report.problems[0]


def test_p2p_limits_are_enforced_with_clear_reasons(world: World) -> None:
    ledger = world.ledger
    tier0 = TIERS["tier0"]
    _fund(world, "w-carol", tier0.holding_max, "fund-carol")
    with pytest.raises(Refused, match="holding limit"):  # carol has no linked account
        _fund(world, "w-carol", 1, "fund-carol-2")
    carol, bob = _wallet(world, "w-carol"), _wallet(world, "w-bob")
    with pytest.raises(Refused, match="daily outgoing limit"):
        pay(
            ledger,
            "p-1",
            carol,
            Payee(bob.account_id, bob),
            tier0.daily_out_max + 1,
            TransferCode.P2P,
        )
    receipt = pay(
        ledger, "p-2", carol, Payee(bob.account_id, bob), tier0.daily_out_max, TransferCode.P2P
    )
    assert pay(
        ledger, "p-2", carol, Payee(bob.account_id, bob), tier0.daily_out_max, TransferCode.P2P
    ) == receipt.__class__(receipt.transfer_id, receipt.amount, 0, 0)
    with pytest.raises(Refused, match="daily outgoing limit"):
        pay(ledger, "p-3", carol, Payee(bob.account_id, bob), 1, TransferCode.P2P)
    view = wallets.view(ledger, "w-carol")
    assert view.balance == tier0.holding_max - tier0.daily_out_max
    assert view.daily_out_remaining == 0
    assert view.holding_headroom == tier0.daily_out_max
    assert wallets.view(ledger, "w-bob").balance == tier0.daily_out_max
    assert check_issuance(ledger.store).ok


def test_waterfall_and_reverse_waterfall(world: World) -> None:
    ledger = world.ledger
    tier1 = TIERS["tier1"]
    bank_a = account_id("bank-a", Code.BANK_DIGITAL)
    # alice pays 1000 som more than she holds: the shortfall comes from her bank.
    _fund(world, "w-alice", 500 * SOM, "fund-alice-1")
    alice, bob, shop = (_wallet(world, w) for w in ("w-alice", "w-bob", "w-shop"))
    bank_float = wallets.available(ledger, bank_a)
    receipt = pay(
        ledger, "rwf-1", alice, Payee(shop.account_id, shop), 1500 * SOM, TransferCode.MERCHANT
    )
    assert receipt.pulled_from_bank == 1000 * SOM
    assert wallets.view(ledger, "w-alice").balance == 0
    assert wallets.view(ledger, "w-alice").holding_headroom == tier1.holding_max
    assert wallets.view(ledger, "w-alice").daily_out_remaining == tier1.daily_out_max - 1500 * SOM
    assert wallets.available(ledger, bank_a) == bank_float - 1000 * SOM
    # bob (tier0) pays alice 300 som when she is 100 som under her limit: 200 som go to her bank.
    _fund(world, "w-alice", tier1.holding_max - 100 * SOM, "fund-alice-2")
    _fund(world, "w-bob", 1000 * SOM, "fund-bob")
    receipt = pay(ledger, "wf-1", bob, Payee(alice.account_id, alice), 300 * SOM, TransferCode.P2P)
    assert receipt.swept_to_bank == 200 * SOM
    assert wallets.view(ledger, "w-alice").balance == tier1.holding_max
    assert wallets.view(ledger, "w-alice").holding_headroom == 0
    assert check_issuance(ledger.store).ok


def test_upgrade_and_close(world: World) -> None:
    ledger = world.ledger
    _fund(world, "w-carol", 100 * SOM, "fund-carol")
    wallet = wallets.upgrade(ledger, "w-carol", "tier2")
    assert wallet.tier == "tier2"
    view = wallets.view(ledger, "w-carol")
    assert view.holding_headroom == TIERS["tier2"].holding_max - 100 * SOM
    with pytest.raises(Refused, match="only be upgraded"):
        wallets.upgrade(ledger, "w-carol", "tier0")
    with pytest.raises(InvalidInput, match="no linked bank account"):
        wallets.close(ledger, "w-carol")
    assert wallets.close(ledger, "w-carol", to_wallet_id="w-bob") == 100 * SOM
    assert wallets.view(ledger, "w-bob").balance == 100 * SOM
    with pytest.raises(Refused, match="closed"):
        wallets.open_wallet(ledger, "w-carol")
    carol = _wallet(world, "w-carol")
    with pytest.raises(Refused, match="frozen"):
        _fund(world, "w-carol", 1, "after-close")
    assert carol.status == "closed"
    assert check_issuance(ledger.store).ok


def test_tax_collection_with_receipt_and_daily_view(world: World) -> None:
    ledger = world.ledger
    _fund(world, "w-bob", 1000 * SOM, "fund-bob")
    bob = _wallet(world, "w-bob")
    receipt = taxes.pay_tax(ledger, "NOTICE-1", bob, "treasury", 120 * SOM, "11111100")
    assert taxes.pay_tax(ledger, "NOTICE-1", bob, "treasury", 120 * SOM, "11111100") == (
        Receipt(receipt.transfer_id, 120 * SOM, 0, 0)
    )
    taxes.pay_tax(ledger, "NOTICE-2", bob, "treasury", 30 * SOM, "11111100")
    taxes.pay_tax(ledger, "FEE-1", bob, "treasury", 5 * SOM, "14231100", fee=True)
    stored = ledger.store.get_transfer(receipt.transfer_id)
    assert stored is not None and stored.user_data_32 == 11111100
    rows = taxes.collections(ledger.store, "treasury")
    assert [(c.budget_code, c.count, c.amount) for c in rows] == [
        (11111100, 2, 150 * SOM),
        (14231100, 1, 5 * SOM),
    ]
    with pytest.raises(InvalidInput, match="budget classification"):
        taxes.pay_tax(ledger, "NOTICE-3", bob, "treasury", 1, "123")
    assert check_issuance(ledger.store).ok
