"""The indexer follows a reorg: what the dropped blocks did is rolled back, then re-applied."""

from tests.bridge.support import ALICE_ACCOUNT, CONFIRMATIONS, BridgeHarness, mine

SCALE = 10**16


def test_reorg_rolls_back_and_reapplies(sqlite_harness: BridgeHarness) -> None:
    h = sqlite_harness
    h.service.register_holder(h.alice, ALICE_ACCOUNT)
    h.issue("reorg-mint", 10_000)
    h.settle()
    indexer = h.indexer()
    indexer.step()

    snapshot = h.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    h.redeem_on_chain(h.kgst, h.alice, 3_000 * SCALE)
    seen = indexer.step()
    assert seen.events == 1 and seen.applied == 0  # not confirmed yet
    assert h.w3.provider.make_request("evm_revert", [snapshot])["result"] is True  # type: ignore[arg-type]

    # The other branch: an empty block first, so the redemption lands one block later.
    mine(h.w3, 2)
    after = indexer.step()
    assert after.rolled_back_blocks >= 1
    assert h.store._query("SELECT COUNT(*) FROM bridge_events")[0][0] == 0
    h.redeem_on_chain(h.kgst, h.alice, 3_000 * SCALE)
    mine(h.w3, CONFIRMATIONS)
    h.settle()

    assert h.account(ALICE_ACCOUNT).credits_posted == 3_000
    assert h.supply(h.kgst) == 7_000 * SCALE
    escrow = h.escrow(h.kgst)
    assert escrow.credits_posted - escrow.debits_posted == 7_000
    events = h.store._query("SELECT status, block_number FROM bridge_events")
    assert len(events) == 1 and events[0][0] == "applied"


def test_indexer_resumes_from_its_checkpoint(sqlite_harness: BridgeHarness) -> None:
    h = sqlite_harness
    h.service.register_holder(h.alice, ALICE_ACCOUNT)
    h.issue("resume-mint", 4_000)
    h.settle()
    first = h.indexer()
    first.step()
    h.redeem_on_chain(h.kgst, h.alice, 1_000 * SCALE)
    del first  # restart: a new indexer reads only the blocks after the stored ones
    mine(h.w3, CONFIRMATIONS)
    second = h.indexer()
    report = second.step()
    assert report.blocks == CONFIRMATIONS + 1
    assert report.applied == 1
    h.settle()
    assert h.account(ALICE_ACCOUNT).credits_posted == 1_000


def test_redemption_from_blocked_or_unknown_sender_moves_nothing(
    sqlite_harness: BridgeHarness,
) -> None:
    h = sqlite_harness
    h.issue("blocked-mint", 2_000)
    h.settle()
    h.redeem_on_chain(h.kgst, h.alice, 500 * SCALE)  # alice has no registered account
    h.settle()
    alerts = h.service.repository.alerts()
    assert [a[0] for a in alerts] == ["redemption_unclaimed"]
    assert h.supply(h.kgst) == 2_000 * SCALE
    assert h.escrow(h.kgst).debits_posted == 0
