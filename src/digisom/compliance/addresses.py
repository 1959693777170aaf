"""Blocking crypto addresses named by sanctions lists.

EVM addresses (Ethereum, BNB Chain and the tokens on them) are the same account whatever the
letter case: EIP-55 mixed case is only a checksum. Matching is therefore exact on the lower-cased
address. Other address formats in the same files (USDT also lives on Omni and Tron, whose base58
addresses are case-sensitive) are matched exactly as written. Every list an address appears in
is reported so an officer can see the source.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from digisom.compliance.limits import ADDRESS_CHARS_MAX
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import decode_utf8, read_bytes
from digisom.compliance.lists.model import ListVersion
from digisom.errors import InvalidInput

# BNB Chain uses Ethereum-style accounts, so all of these lists apply to it.
EVM_TICKERS = ("ETH", "BSC", "USDT", "USDC")
_EVM_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_ANY_ADDRESS = re.compile(r"^[A-Za-z0-9:_\-]{20,128}$")
_ADDRESS_FILE = "sanctioned_addresses_{ticker}.txt"


class Decision(StrEnum):
    """What to do with a transfer to or from an address."""

    PASS = "pass"  # noqa: S105 (a decision, not a password)
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class AddressSource:
    """One place that names an address: a list file or a list entry."""

    source: str
    """Which list ("ofac-sdn", "address-list:ETH", ...)."""
    entity_id: str
    """The entry naming it, "" for plain address files."""
    currency: str


@dataclass(frozen=True, slots=True)
class AddressResult:
    """The decision for one address and every source that led to it."""

    address: str
    decision: Decision
    sources: tuple[AddressSource, ...]


def is_evm_address(address: str) -> bool:
    """True for 0x followed by 40 hex digits (any case)."""
    return bool(_EVM_ADDRESS.match(address))


def address_key(address: str) -> str:
    """The form addresses are compared in: lower case for EVM, exactly as written otherwise."""
    return address.lower() if is_evm_address(address) else address


def load_address_file(path: Path, ticker: str) -> list[tuple[str, AddressSource]]:
    """Read a one-address-per-line file; a line that is not an address rejects the file."""
    found: list[tuple[str, AddressSource]] = []
    text = decode_utf8(path, read_bytes(path))
    for line, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        if not _ANY_ADDRESS.match(value):
            raise ListFormatError(path, line, f"not a crypto address: {value[:60]!r}")
        found.append((address_key(value), AddressSource(f"address-list:{ticker}", "", ticker)))
    return found


class AddressScreen:
    """Exact, case-insensitive address screening against address files and list entries."""

    def __init__(self, listed: Iterable[tuple[str, AddressSource]]) -> None:
        self._sources: dict[str, list[AddressSource]] = defaultdict(list)
        for address, source in listed:
            if source not in self._sources[address]:
                self._sources[address].append(source)

    @classmethod
    def from_sources(
        cls, address_directory: Path | None, versions: Iterable[ListVersion]
    ) -> "AddressScreen":
        """Build from the EVM-chain address files in a directory and the wallets in entries."""
        listed: list[tuple[str, AddressSource]] = []
        if address_directory is not None:
            for ticker in EVM_TICKERS:
                path = address_directory / _ADDRESS_FILE.format(ticker=ticker)
                if path.is_file():
                    listed.extend(load_address_file(path, ticker))
        for version in versions:
            for entry in version.entries:
                for wallet in entry.crypto_addresses:
                    source = AddressSource(entry.source, entry.entity_id, wallet.currency)
                    listed.append((address_key(wallet.address), source))
        return cls(listed)

    def __len__(self) -> int:
        return len(self._sources)

    def check(self, address: str) -> AddressResult:
        """Block if any source names the address (EVM compared in lower case), else pass."""
        address = address.strip()
        if len(address) > ADDRESS_CHARS_MAX or not address:
            raise InvalidInput(f"address must be 1 to {ADDRESS_CHARS_MAX} characters")
        sources = tuple(self._sources.get(address_key(address), ()))
        return AddressResult(address, Decision.BLOCK if sources else Decision.PASS, sources)
