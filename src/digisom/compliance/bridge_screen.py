"""The bridge's screening seam, filled by the sanctions lists.

Every issue destination and redemption source is checked against the sanctioned-address files
(ETH, BSC, USDT, USDC) and the crypto addresses in the lists loaded into the database (OFAC's
`Digital Currency Address` remarks, the national list). A listed address is refused, with the
lists that name it, and the bridge moves nothing.
"""

from pathlib import Path

from digisom.bridge.screening import ScreeningDecision
from digisom.compliance.addresses import AddressScreen, Decision
from digisom.compliance.defaults import sanctions_directory
from digisom.compliance.listdb import latest_all
from digisom.storage.base import LedgerStore


class SanctionsAddressScreen:
    """`bridge.screening.AddressScreen` over the compliance area's address screen."""

    def __init__(self, screen: AddressScreen) -> None:
        self._screen = screen

    @classmethod
    def load(
        cls, store: LedgerStore, sanctions_dir: Path | None = None
    ) -> "SanctionsAddressScreen":
        """From the address files under `sanctions_dir/addresses` (default: the configured
        sanctions folder) and the newest version of every list in the database."""
        directory = sanctions_dir if sanctions_dir is not None else sanctions_directory()
        addresses = None if directory is None else directory / "addresses"
        return cls(AddressScreen.from_sources(addresses, latest_all(store)))

    def __len__(self) -> int:
        return len(self._screen)

    def screen(self, address: str, purpose: str) -> ScreeningDecision:
        result = self._screen.check(address)
        if result.decision is Decision.PASS:
            return ScreeningDecision(True, "on no sanctions list")
        named = "; ".join(
            f"{s.source} {s.entity_id}".strip() + f" ({s.currency})" for s in result.sources
        )
        return ScreeningDecision(False, f"{purpose}: {address} is listed: {named}")
