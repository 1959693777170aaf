"""Loader for OFAC's SDN list in the legacy CSV layout (sdn.csv, alt.csv, add.csv, comments).

The layout has no header; columns are fixed (see the shared data README). Aliases and addresses
are keyed by `ent_num`; a row that refers to an unknown `ent_num` means the files do not belong
together, so the whole load is refused.
"""

from datetime import UTC, datetime
from pathlib import Path

from digisom.compliance.limits import LIST_ENTRIES_MAX
from digisom.compliance.lists.builder import EntryBuilder
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import content_sha256, csv_rows, decode_utf8, read_bytes
from digisom.compliance.lists.model import ListVersion, NameKind, Schema
from digisom.compliance.lists.remarks import parse_remarks
from digisom.compliance.lists.text import clean, country_code

SOURCE = "ofac-sdn"
SDN_COLUMNS = 12
ALT_COLUMNS = 5
ADD_COLUMNS = 6
COMMENTS_COLUMNS = 2
_SCHEMAS = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
_ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}

Rows = list[tuple[int, list[str]]]


def _ent_num(path: Path, line: int, value: str) -> str:
    value = value.strip()
    if not value.isdigit():
        raise ListFormatError(path, line, f"ent_num must be a number, found {value!r}")
    return value


def _read(path: Path, columns: int, required: bool) -> tuple[bytes, Rows]:
    if not required and not path.exists():
        return b"", []
    data = read_bytes(path)
    return data, csv_rows(path, decode_utf8(path, data), columns)


def _primary(path: Path, rows: Rows) -> tuple[dict[str, EntryBuilder], dict[str, str]]:
    """Build one entry per sdn.csv row; returns the builders and each entry's remarks."""
    builders: dict[str, EntryBuilder] = {}
    remarks: dict[str, str] = {}
    if len(rows) > LIST_ENTRIES_MAX:
        raise ListFormatError(path, rows[-1][0], f"more than {LIST_ENTRIES_MAX} entries")
    for line, row in rows:
        number = _ent_num(path, line, row[0])
        if number in builders:
            raise ListFormatError(path, line, f"duplicate ent_num {number}")
        if not clean(row[1]):
            raise ListFormatError(path, line, f"entry {number} has no name")
        schema = _SCHEMAS.get(clean(row[2]).lower(), Schema.ORGANIZATION)
        builder = EntryBuilder(f"ofac-{number}", SOURCE, schema)
        builder.add_name(row[1], NameKind.PRIMARY)
        builder.programs.extend(clean(row[3]).split("] ["))
        builders[number] = builder
        remarks[number] = row[11] if clean(row[11]) else ""
    return builders, remarks


def _owner(path: Path, line: int, value: str, builders: dict[str, EntryBuilder]) -> EntryBuilder:
    number = _ent_num(path, line, value)
    builder = builders.get(number)
    if builder is None:
        raise ListFormatError(path, line, f"ent_num {number} is not in sdn.csv")
    return builder


def load_ofac(directory: Path, now: datetime | None = None) -> ListVersion:
    """Load sdn.csv, alt.csv, add.csv and (if present) sdn_comments.csv from one directory."""
    sdn_path, alt_path = directory / "sdn.csv", directory / "alt.csv"
    add_path, comments_path = directory / "add.csv", directory / "sdn_comments.csv"
    sdn_data, sdn_rows = _read(sdn_path, SDN_COLUMNS, required=True)
    alt_data, alt_rows = _read(alt_path, ALT_COLUMNS, required=True)
    add_data, add_rows = _read(add_path, ADD_COLUMNS, required=True)
    comments_data, comments_rows = _read(comments_path, COMMENTS_COLUMNS, required=False)
    builders, remarks = _primary(sdn_path, sdn_rows)
    for line, row in comments_rows:
        _owner(comments_path, line, row[0], builders)
        remarks[row[0].strip()] += row[1]
    for line, row in alt_rows:
        builder = _owner(alt_path, line, row[0], builders)
        builder.add_name(row[3], _ALT_KINDS.get(clean(row[2]).lower(), NameKind.ALIAS))
    for line, row in add_rows:
        builder = _owner(add_path, line, row[0], builders)
        builder.addresses.append(", ".join(part for part in map(clean, row[2:5]) if part))
        builder.countries.append(country_code(row[4]))
    for number, builder in builders.items():
        facts = parse_remarks(remarks[number])
        builder.birth_dates.extend(facts.birth_dates)
        builder.countries[:0] = facts.countries
        for alias in facts.weak_aliases:
            builder.add_name(alias, NameKind.WEAK)
        for address in facts.crypto_addresses:
            builder.add_crypto(address)
    return ListVersion(
        source=SOURCE,
        content_sha256=content_sha256([sdn_data, alt_data, add_data, comments_data]),
        loaded_at=now or datetime.now(UTC),
        entries=tuple(builder.build() for builder in builders.values()),
    )
