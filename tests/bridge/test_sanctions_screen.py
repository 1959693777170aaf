"""The compliance area's sanctions screen in the bridge: a sanctioned address gets nothing."""

import pytest

from digisom.bridge.screening import BlocklistScreen, EveryScreen, ScreeningRefused
from digisom.bridge.service import BridgeService, IssueRequest
from digisom.compliance.bridge_screen import SanctionsAddressScreen
from tests.bridge.support import BANK, BLOCKED, BridgeHarness
from tests.conftest import SHARED_DIR

SANCTIONED = "0x03893a7c7463AE47D46bc7f091665f1893656003"
"""The second line of the shared sanctioned_addresses_ETH.txt, written in mixed case."""


def test_a_sanctioned_destination_is_refused_and_nothing_moves(harness: BridgeHarness) -> None:
    sanctions = SanctionsAddressScreen.load(harness.store, SHARED_DIR / "data" / "sanctions")
    assert len(sanctions) > 100
    screen = EveryScreen(sanctions, BlocklistScreen([BLOCKED]))
    service = BridgeService(harness.store, screen, int(harness.w3.eth.chain_id))
    with pytest.raises(ScreeningRefused, match="address-list:ETH"):
        service.issue(IssueRequest("sanctioned-1", "KGST", BANK, SANCTIONED.lower(), 1_000))
    with pytest.raises(ScreeningRefused, match="blocklist"):
        service.issue(IssueRequest("blocked-1", "KGST", BANK, BLOCKED, 1_000))
    assert harness.account(BANK).debits_pending == 0
    assert harness.store._query("SELECT COUNT(*) FROM bridge_operations")[0][0] == 0
    result = service.issue(IssueRequest("clean-1", "KGST", BANK, harness.alice, 1_000))
    assert result.created
