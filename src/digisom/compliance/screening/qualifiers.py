"""Date of birth and country as qualifiers: they move a name score, they never make a hit alone.

A shared name is common; a shared name and birth date is not. Dates are compared at the
precision both sides have (a list that knows only the year agrees with any date in that year).
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from digisom.compliance.limits import (
    COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY,
    DOB_MATCH_BONUS,
    DOB_MISMATCH_PENALTY,
)
from digisom.compliance.lists.text import country_code
from digisom.errors import InvalidInput

QUALIFIERS_NAME = "dob-country"
QUALIFIERS_VERSION = 1
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class Agreement(StrEnum):
    """How a query fact relates to a list entry's facts."""

    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class QualifierResult:
    """The effect of the qualifiers on one hit."""

    dob: Agreement
    country: Agreement
    adjustment: float
    """Added to the name score (negative for a penalty)."""


def normalize_date(value: str) -> str:
    """Accept YYYY, YYYY-M or YYYY-M-D and return the zero-padded ISO form."""
    match = _DATE.match(value.strip())
    if match is None:
        raise InvalidInput(f"date of birth {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    parts = [year] + [f"{int(part):02d}" for part in (month, day) if part]
    return "-".join(parts)


def normalize_country(value: str) -> str:
    """Map a country name or code to ISO alpha-2, refusing what cannot be mapped."""
    code = country_code(value)
    if not code:
        raise InvalidInput(f"unknown country {value!r}")
    return code


def _dob(query: str | None, listed: tuple[str, ...]) -> Agreement:
    if not query or not listed:
        return Agreement.UNKNOWN
    for value in listed:
        common = min(len(value), len(query))
        if value[:common] == query[:common]:
            return Agreement.MATCH
    return Agreement.MISMATCH


def _country(query: str | None, listed: tuple[str, ...]) -> Agreement:
    if not query or not listed:
        return Agreement.UNKNOWN
    return Agreement.MATCH if query in listed else Agreement.MISMATCH


def qualify(
    dob: str | None, country: str | None, birth_dates: tuple[str, ...], countries: tuple[str, ...]
) -> QualifierResult:
    """Compare normalized query facts with an entry's and say how much they move the score."""
    dob_agreement, country_agreement = _dob(dob, birth_dates), _country(country, countries)
    adjustment = {
        Agreement.MATCH: DOB_MATCH_BONUS,
        Agreement.MISMATCH: -DOB_MISMATCH_PENALTY,
        Agreement.UNKNOWN: 0.0,
    }[dob_agreement]
    adjustment += {
        Agreement.MATCH: COUNTRY_MATCH_BONUS,
        Agreement.MISMATCH: -COUNTRY_MISMATCH_PENALTY,
        Agreement.UNKNOWN: 0.0,
    }[country_agreement]
    return QualifierResult(dob_agreement, country_agreement, adjustment)
