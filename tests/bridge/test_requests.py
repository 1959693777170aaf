"""Issue requests on both databases: retries move money once, refusals move nothing."""

import pytest

from digisom.bridge.model import OperationStatus
from digisom.bridge.outbox import LedgerRefused
from digisom.bridge.screening import ScreeningRefused
from digisom.errors import InvalidInput
from tests.bridge.support import BANK, BANK_FUNDS_MINOR, BLOCKED, BridgeHarness


def _operations(h: BridgeHarness) -> int:
    return int(h.store._query("SELECT COUNT(*) FROM bridge_operations")[0][0])


def _transfers(h: BridgeHarness) -> int:
    return int(h.store._query("SELECT COUNT(*) FROM transfers")[0][0])


def test_retried_request_moves_money_once(harness: BridgeHarness) -> None:
    h = harness
    first = h.issue("order-7", 1_000)
    again = h.issue("order-7", 1_000)
    assert first.created and not again.created
    assert again.operation_id == first.operation_id
    h.settle()
    after_settle = h.issue("order-7", 1_000)
    assert not after_settle.created
    h.settle()
    assert _operations(h) == 1
    assert h.supply(h.kgst) == 1_000 * 10**16
    bank = h.account(BANK)
    assert bank.credits_posted - bank.debits_posted == BANK_FUNDS_MINOR - 1_000
    assert bank.debits_pending == 0


def test_same_key_with_other_fields_is_refused(harness: BridgeHarness) -> None:
    h = harness
    h.issue("order-8", 1_000)
    with pytest.raises(InvalidInput, match="exists_with_different_fields"):
        h.issue("order-8", 1_001)
    assert _operations(h) == 1
    assert h.escrow(h.kgst).credits_pending == 1_000


def test_blocked_destination_is_refused_with_nothing_moved(harness: BridgeHarness) -> None:
    h = harness
    transfers = _transfers(h)
    with pytest.raises(ScreeningRefused, match="blocklist"):
        h.issue("order-9", 1_000, to=BLOCKED)
    assert _operations(h) == 0
    assert _transfers(h) == transfers
    assert h.account(BANK).debits_pending == 0


def test_ledger_refusal_writes_nothing(harness: BridgeHarness) -> None:
    h = harness
    with pytest.raises(LedgerRefused) as refused:
        h.issue("order-10", BANK_FUNDS_MINOR + 1)
    assert refused.value.result == "exceeds_credits"
    assert _operations(h) == 0
    # The same key may be used again once the request is fixed: nothing was recorded.
    assert h.issue("order-10", 5).created


@pytest.mark.parametrize(
    ("key", "amount", "to"),
    [("", 1, None), ("k", 0, None), ("k", -5, None), ("k", 1, "0x1234"), ("k", 2**63, None)],
)
def test_bad_input_is_refused(
    harness: BridgeHarness, key: str, amount: int, to: str | None
) -> None:
    with pytest.raises(InvalidInput):
        harness.issue(key, amount, to=to or "")
    assert _operations(harness) == 0


def test_mint_refused_by_the_contract_voids_the_reservation(harness: BridgeHarness) -> None:
    h = harness
    # DSOM mints only to allow-listed addresses; this one is not.
    h.issue("order-11", 500, symbol="DSOM", to="0x00000000000000000000000000000000000b0b00")
    h.settle()
    assert h.store._query("SELECT status, error FROM bridge_operations")[0][0] == (
        OperationStatus.FAILED.value
    )
    escrow = h.escrow(h.dsom)
    assert (escrow.credits_pending, escrow.credits_posted) == (0, 0)
    assert h.account(BANK).debits_pending == 0
    assert h.supply(h.dsom) == 0
