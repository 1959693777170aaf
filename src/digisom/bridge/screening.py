"""The screening seam: every address money moves to or from is checked before it moves.

`AddressScreen` is the Protocol the compliance area fills in (sanctions lists, risk scores). Until
then `BlocklistScreen` refuses the addresses of a configured list (a set, or a file with one
address per line, `#` comments allowed).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from web3 import Web3

from digisom.bridge.limits import BLOCKLIST_ENTRIES_MAX
from digisom.errors import ConfigurationError, DigisomError, InvalidInput


@dataclass(frozen=True, slots=True)
class ScreeningDecision:
    allowed: bool
    reason: str
    """Why, in words an operator can act on (which list, which entry)."""


class AddressScreen(Protocol):
    """Decides whether money may move to or from an on-chain address."""

    def screen(self, address: str, purpose: str) -> ScreeningDecision:
        """`purpose` is "issue_destination" or "redemption_source"."""
        ...


class ScreeningRefused(DigisomError):
    """Screening refused an address; nothing was moved."""


def normalize_address(address: str) -> str:
    """The checksummed form, or InvalidInput: the one spelling the bridge stores and compares."""
    if not isinstance(address, str) or not Web3.is_address(address):
        raise InvalidInput(f"not an EVM address: {address!r}")
    return str(Web3.to_checksum_address(address))


class BlocklistScreen:
    """Refuses the addresses of a fixed list; allows every other."""

    def __init__(self, blocked: Iterable[str] = (), source: str = "configured blocklist") -> None:
        self.blocked = frozenset(normalize_address(a) for a in blocked)
        self.source = source

    @classmethod
    def from_file(cls, path: Path) -> "BlocklistScreen":
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigurationError(f"cannot read blocklist {path}: {error.strerror}") from error
        entries = [line.split("#", 1)[0].strip() for line in lines]
        entries = [entry for entry in entries if entry]
        if len(entries) > BLOCKLIST_ENTRIES_MAX:
            raise ConfigurationError(f"blocklist {path} exceeds {BLOCKLIST_ENTRIES_MAX} entries")
        return cls(entries, source=f"blocklist {path.name}")

    def screen(self, address: str, purpose: str) -> ScreeningDecision:
        if normalize_address(address) in self.blocked:
            return ScreeningDecision(False, f"{address} is on the {self.source} ({purpose})")
        return ScreeningDecision(True, "not listed")


class EveryScreen:
    """Several screens in turn: the first refusal wins (sanctions lists, then an operator's
    blocklist); an address passes only if every screen lets it."""

    def __init__(self, *screens: AddressScreen) -> None:
        self.screens = screens

    def screen(self, address: str, purpose: str) -> ScreeningDecision:
        for one in self.screens:
            decision = one.screen(address, purpose)
            if not decision.allowed:
                return decision
        return ScreeningDecision(True, "passed every screen")
