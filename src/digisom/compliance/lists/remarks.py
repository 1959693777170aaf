"""Facts hidden in OFAC's free-text Remarks: dates of birth, nationalities, weak aliases, wallets.

OFAC's legacy CSV has no columns for these; they sit in Remarks as "DOB 10 Dec 1948;",
"nationality Iran;", "a.k.a. 'BNC'" and "Digital Currency Address - ETH 0x...;". The patterns
below read exactly those forms and nothing looser, so a sentence that merely mentions a date is
not taken for a birth date.
"""

import re
from dataclasses import dataclass

from digisom.compliance.lists.model import CryptoAddress
from digisom.compliance.lists.text import clean, country_code, unique

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_DOB = re.compile(r"\bDOB\s+(?:circa\s+)?([^;]+)")
_DATE = re.compile(r"(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\s+)?(\d{4})")
_NATIONALITY = re.compile(r"\b(?:nationality|citizen)\s+([^;.]+)")
_WEAK_ALIAS = re.compile(r"\ba\.k\.a\.\s+'([^']+)'")
_CRYPTO = re.compile(r"Digital Currency Address - ([A-Za-z0-9]+)\s+([A-Za-z0-9:_\-]+)")
# A DOB range wider than this is not expanded into years (it says little about the person).
_DOB_RANGE_YEARS_MAX = 10


@dataclass(frozen=True, slots=True)
class RemarkFacts:
    """What the Remarks of one SDN entry state, in normalized form."""

    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    weak_aliases: tuple[str, ...]
    crypto_addresses: tuple[CryptoAddress, ...]


def _date(text: str) -> str:
    """Turn "10 Dec 1948", "Dec 1948" or "1948" into an ISO date or prefix; "" if none."""
    match = _DATE.search(text)
    if match is None:
        return ""
    day, month_name, year = match.groups()
    month = _MONTHS.get((month_name or "").lower(), 0)
    if month and day:
        return f"{year}-{month:02d}-{int(day):02d}"
    if month:
        return f"{year}-{month:02d}"
    return year


def birth_dates(remarks: str) -> list[str]:
    """Every DOB the remarks give; a "1960 to 1962" range becomes its years."""
    found: list[str] = []
    for match in _DOB.finditer(remarks):
        start_text, _, end_text = match.group(1).partition(" to ")
        start = _date(start_text)
        end = _date(end_text) if end_text else ""
        if start and end:
            first, last = int(start[:4]), int(end[:4])
            if 0 <= last - first <= _DOB_RANGE_YEARS_MAX:
                found.extend(str(year) for year in range(first, last + 1))
                continue
        found.extend(value for value in (start, end) if value)
    return found


def crypto_addresses(remarks: str) -> tuple[CryptoAddress, ...]:
    """Every "Digital Currency Address - TICKER address" in order, without duplicates."""
    seen: dict[tuple[str, str], CryptoAddress] = {}
    for match in _CRYPTO.finditer(remarks):
        currency, address = match.group(1).upper(), match.group(2)
        seen.setdefault((currency, address.lower()), CryptoAddress(currency, address))
    return tuple(seen.values())


def parse_remarks(remarks: str) -> RemarkFacts:
    """Read the facts screening uses out of one entry's Remarks."""
    countries = [country_code(match.group(1)) for match in _NATIONALITY.finditer(remarks)]
    return RemarkFacts(
        birth_dates=unique(birth_dates(remarks)),
        countries=unique(countries),
        weak_aliases=unique([clean(m.group(1)) for m in _WEAK_ALIAS.finditer(remarks)]),
        crypto_addresses=crypto_addresses(remarks),
    )
