"""A relayer that stops between steps is replaced by a new one that resumes from the outbox."""

from typing import Any

from digisom.bridge.model import OperationStatus
from digisom.bridge.relayer import Relayer, RelayerReport
from tests.bridge.support import CONFIRMATIONS, BridgeHarness, mine

ZERO_ADDRESS = "0x" + bytes(20).hex()


def _mints(h: BridgeHarness) -> list[Any]:
    """Every Transfer from the zero address (a mint) of KGST since deployment."""
    return list(
        h.contract(h.kgst)
        .events.Transfer()
        .get_logs(from_block=h.deployment.block_number, argument_filters={"from": ZERO_ADDRESS})
    )


def _status(h: BridgeHarness) -> str:
    return str(h.store._query("SELECT status FROM bridge_operations")[0][0])


def test_crash_after_send_does_not_mint_twice(sqlite_harness: BridgeHarness) -> None:
    h = sqlite_harness
    h.issue("crash-1", 777)
    first = h.relayer()
    report = RelayerReport()
    first.sign_queued(report)
    first.broadcast_signed(report)
    assert report.sent == 1
    del first  # the process dies before it ever looks for the receipt
    mine(h.w3, CONFIRMATIONS)
    second = h.relayer()
    assert second.step().confirmed == 1
    assert second.step().signed == 0
    assert _status(h) == OperationStatus.CONFIRMED.value
    assert len(_mints(h)) == 1
    assert h.supply(h.kgst) == 777 * 10**16
    assert h.escrow(h.kgst).credits_posted == 777


def test_crash_after_signing_before_broadcast_sends_the_stored_transaction(
    sqlite_harness: BridgeHarness,
) -> None:
    h = sqlite_harness
    h.issue("crash-2", 555)
    first = h.relayer()
    first.sign_queued(RelayerReport())
    assert _status(h) == OperationStatus.SIGNED.value
    stored_hash = bytes(h.store._query("SELECT tx_hash FROM bridge_operations")[0][0])
    del first
    # Two relayers resume at once from the same outbox; the nonce makes it one mint.
    second, third = h.relayer(), h.relayer()
    second.step()
    third.step()
    mine(h.w3, CONFIRMATIONS)
    second.step()
    third.step()
    assert _status(h) == OperationStatus.CONFIRMED.value
    mints = _mints(h)
    assert len(mints) == 1
    assert bytes(mints[0]["transactionHash"]) == stored_hash
    assert h.escrow(h.kgst).credits_posted == 555


def test_stuck_transaction_is_replaced_with_higher_fees(sqlite_harness: BridgeHarness) -> None:
    h = sqlite_harness
    h.issue("stuck-1", 321)
    h.w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        relayer = Relayer(h.store, h.w3, h.signer, CONFIRMATIONS, stuck_after_s=0)
        report = RelayerReport()
        relayer.sign_queued(report)
        relayer.broadcast_signed(report)
        relayer.bump_stuck(report)
        assert report.bumped == 1
        hashes = h.store._query("SELECT max_fee_per_gas FROM bridge_transactions")
        assert len(hashes) == 2 and hashes[0][0] != hashes[1][0]
    finally:
        h.w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    mine(h.w3, CONFIRMATIONS)
    h.settle()
    assert _status(h) == OperationStatus.CONFIRMED.value
    assert len(_mints(h)) == 1
    assert h.escrow(h.kgst).credits_posted == 321
