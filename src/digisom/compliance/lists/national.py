"""Loader for the national sanctions list, a CSV whose layout digisom defines.

Columns (header required, in this order; several values in one cell are separated by ";"):
entity_id, schema (person|organization|vessel|aircraft), name, aliases, birth_dates (ISO date,
year-month or year), countries (ISO 3166 alpha-2 or country names), addresses, crypto_addresses
(each "TICKER:address", e.g. "ETH:0xabc..."), programs. See docs/compliance-screening.md.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from digisom.compliance.limits import LIST_ENTRIES_MAX
from digisom.compliance.lists.builder import EntryBuilder
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import (
    content_sha256,
    csv_rows,
    decode_utf8,
    read_bytes,
    require_header,
)
from digisom.compliance.lists.model import CryptoAddress, ListVersion, NameKind, Schema
from digisom.compliance.lists.text import clean, country_code

SOURCE = "national"
HEADER = [
    "entity_id",
    "schema",
    "name",
    "aliases",
    "birth_dates",
    "countries",
    "addresses",
    "crypto_addresses",
    "programs",
]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
_SCHEMAS = {schema.value: schema for schema in Schema if schema is not Schema.UNKNOWN}


def _split(cell: str) -> list[str]:
    return [value for value in (clean(part) for part in cell.split(";")) if value]


def _row(path: Path, line: int, row: list[str]) -> EntryBuilder:
    entity_id, schema, name, aliases, dates, countries, addresses, wallets, programs = row
    entity_id = entity_id.strip()
    if not _ID.match(entity_id):
        raise ListFormatError(path, line, f"entity_id {entity_id!r} is not a valid id")
    if schema.strip().lower() not in _SCHEMAS:
        raise ListFormatError(path, line, f"schema must be one of {', '.join(_SCHEMAS)}")
    if not clean(name):
        raise ListFormatError(path, line, "name is empty")
    builder = EntryBuilder(f"kg-{entity_id}", SOURCE, _SCHEMAS[schema.strip().lower()])
    builder.add_name(name, NameKind.PRIMARY)
    for alias in _split(aliases):
        builder.add_name(alias, NameKind.ALIAS)
    for date in _split(dates):
        if not _DATE.match(date):
            raise ListFormatError(path, line, f"birth date {date!r} is not YYYY[-MM[-DD]]")
        builder.birth_dates.append(date)
    for country in _split(countries):
        code = country_code(country)
        if not code:
            raise ListFormatError(path, line, f"unknown country {country!r}")
        builder.countries.append(code)
    builder.addresses.extend(_split(addresses))
    for wallet in _split(wallets):
        currency, _, address = wallet.partition(":")
        if not currency.strip() or not address.strip():
            raise ListFormatError(path, line, f"crypto address {wallet!r} is not TICKER:address")
        builder.add_crypto(CryptoAddress(currency.strip().upper(), address.strip()))
    builder.programs.extend(_split(programs))
    return builder


def load_national(path: Path, now: datetime | None = None) -> ListVersion:
    """Load the national CSV; any bad row rejects the whole file."""
    data = read_bytes(path)
    rows = csv_rows(path, decode_utf8(path, data), len(HEADER))
    require_header(path, rows, HEADER)
    if len(rows) - 1 > LIST_ENTRIES_MAX:
        raise ListFormatError(path, rows[-1][0], f"more than {LIST_ENTRIES_MAX} entries")
    builders: dict[str, EntryBuilder] = {}
    for line, row in rows[1:]:
        builder = _row(path, line, row)
        if builder.entity_id in builders:
            raise ListFormatError(path, line, f"duplicate entity_id {row[0].strip()}")
        builders[builder.entity_id] = builder
    entries = tuple(builder.build() for builder in builders.values())
    return ListVersion(SOURCE, content_sha256([data]), now or datetime.now(UTC), entries)
