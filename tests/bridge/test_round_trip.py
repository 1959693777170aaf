"""Issue then redeem on a real anvil and a real database: ledger and chain move together."""

from digisom.bridge.reconciler import reconcile
from tests.bridge.support import ALICE_ACCOUNT, BANK, BANK_FUNDS_MINOR, BridgeHarness


def test_issue_and_redeem_round_trip(harness: BridgeHarness) -> None:
    h = harness
    h.service.register_holder(h.alice, ALICE_ACCOUNT)
    issued = h.issue("bank-2-order-1", 12_345)
    assert issued.created
    # Reserved, not yet moved: pending on both sides until the mint confirms.
    assert h.escrow(h.kgst).credits_pending == 12_345
    assert h.account(BANK).debits_pending == 12_345
    h.settle()
    scale = 10**16
    assert h.supply(h.kgst) == 12_345 * scale
    assert h.contract(h.kgst).functions.balanceOf(h.alice).call() == 12_345 * scale
    escrow = h.escrow(h.kgst)
    assert (escrow.credits_posted, escrow.credits_pending) == (12_345, 0)
    assert h.account(BANK).credits_posted - h.account(BANK).debits_posted == (
        BANK_FUNDS_MINOR - 12_345
    )
    assert all(r.ok and r.gap_units == 0 for r in reconcile(h.store, h.w3))

    h.redeem_on_chain(h.kgst, h.alice, 5_000 * scale)
    h.settle()
    assert h.supply(h.kgst) == 7_345 * scale
    escrow = h.escrow(h.kgst)
    assert escrow.credits_posted - escrow.debits_posted == 7_345
    assert escrow.debits_pending == 0
    assert h.account(ALICE_ACCOUNT).credits_posted == 5_000
    results = reconcile(h.store, h.w3)
    assert [(r.symbol, r.ok, r.gap_units) for r in results] == [
        ("DSOM", True, 0),
        ("KGST", True, 0),
    ]


def test_dsom_issue_is_not_rescaled(harness: BridgeHarness) -> None:
    h = harness
    h.issue("treasury-payroll-1", 250_00, symbol="DSOM")
    h.settle()
    assert h.supply(h.dsom) == 250_00
    assert h.escrow(h.dsom).credits_posted == 250_00
