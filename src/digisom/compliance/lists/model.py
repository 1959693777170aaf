"""The one normalized record type every list loader produces.

OFAC, the UN, OpenSanctions and the national list all describe the same things (a person, an
organization, a vessel, with names, dates of birth, countries and addresses) in different layouts.
Screening should not care which layout a record came from, so every loader maps its format into
these frozen records and nothing else.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Schema(StrEnum):
    """What kind of thing a list entry describes (FollowTheMoney's schema names, lower case)."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    """Where a name comes from: the primary name, an alias, a former name or a weak alias."""

    PRIMARY = "primary"
    ALIAS = "alias"
    FORMER = "former"
    WEAK = "weak"


@dataclass(frozen=True, slots=True)
class EntryName:
    """One name of an entry, as the list wrote it."""

    value: str
    """The name exactly as written in the list (whitespace collapsed)."""
    kind: NameKind
    """Primary, alias, former or weak alias: weak aliases are screened but flagged as such."""
    script: str
    """Dominant Unicode script of the name ("Latin", "Cyrillic", "Arabic", ...)."""


@dataclass(frozen=True, slots=True)
class CryptoAddress:
    """A digital currency address named by a list, with its currency ticker."""

    currency: str
    """Ticker as the list gives it, upper case (ETH, XBT, USDT, TRX, ...)."""
    address: str
    """The address as written; compare EVM addresses case-insensitively."""


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One sanctioned entity, normalized from any list format."""

    entity_id: str
    """Stable id within its source ("ofac-36", "un-6907993", an OpenSanctions id, ...)."""
    source: str
    """The list it came from: "ofac-sdn", "un-sc", "opensanctions", "national"."""
    schema: Schema
    """Person, organization, vessel, aircraft or unknown."""
    names: tuple[EntryName, ...]
    """The primary name first, then aliases, in list order, without duplicates."""
    birth_dates: tuple[str, ...]
    """ISO dates or prefixes ("1960-06-29", "1960-06", "1960"), as precise as the list is."""
    countries: tuple[str, ...]
    """ISO 3166-1 alpha-2 codes, lower case: nationalities, citizenships and address countries."""
    addresses: tuple[str, ...]
    """Postal addresses as single lines."""
    crypto_addresses: tuple[CryptoAddress, ...]
    """Digital currency addresses the list attributes to this entity."""
    programs: tuple[str, ...]
    """Sanctions programmes or regimes ("CUBA", "SDGT", "DRC", ...)."""

    @property
    def primary_name(self) -> str:
        """The name to show first; every loader puts the primary name first."""
        return self.names[0].value if self.names else ""


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One loaded version of one list: what a re-screen after a list update compares."""

    source: str
    """The list these entries come from."""
    content_sha256: str
    """Hex SHA-256 of the file bytes (files in name order for multi-file lists)."""
    loaded_at: datetime
    """When the files were read (timezone-aware UTC)."""
    entries: tuple[ListEntry, ...]
    """Every entry of the list, in file order; ids are unique within a version."""
