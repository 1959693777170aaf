"""Small text helpers shared by the loaders: empty markers, whitespace, scripts, countries."""

import re
from functools import lru_cache

from rigour.territories import lookup_territory
from rigour.text.scripts import text_scripts

_SPACES = re.compile(r"\s+")
# OFAC writes "-0-" (sometimes with a trailing space) for an empty field.
_OFAC_EMPTY = "-0-"


def clean(value: str | None) -> str:
    """Collapse whitespace and map OFAC's "-0-" empty marker to the empty string."""
    if value is None:
        return ""
    value = _SPACES.sub(" ", value).strip()
    return "" if value == _OFAC_EMPTY else value


def dominant_script(value: str) -> str:
    """Name the script of a name ("Latin", "Cyrillic", ...), "Mixed" if several, "" if none."""
    scripts = text_scripts(value)
    if not scripts:
        return ""
    if len(scripts) == 1:
        return next(iter(scripts))
    return "Mixed"


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """Map a country name or code to ISO 3166 alpha-2 (lower case), or "" when unknown.

    Lists write countries as names ("Russian Federation", "Korea, North") or codes; screening
    compares codes, so the mapping uses rigour's territory database rather than a local table.
    """
    value = clean(value)
    if not value:
        return ""
    territory = lookup_territory(value)
    if territory is None:
        return ""
    return str(territory.code)


def unique(values: list[str]) -> tuple[str, ...]:
    """Drop empty values and duplicates, keeping the first occurrence's order."""
    return tuple(dict.fromkeys(value for value in values if value))
