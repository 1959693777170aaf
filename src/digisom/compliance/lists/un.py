"""Loader for the UN Security Council consolidated list (XML).

Individuals carry their name in up to four parts (FIRST_NAME .. FOURTH_NAME) plus an original
script form; entities carry it in FIRST_NAME. Alias quality "Low" is the UN's weak alias (often a
nickname or a partial name), kept but flagged as weak so it does not drive name matches.
"""

from datetime import UTC, datetime
from pathlib import Path

from digisom.compliance.limits import LIST_ENTRIES_MAX
from digisom.compliance.lists.builder import EntryBuilder
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import content_sha256, decode_utf8, read_bytes
from digisom.compliance.lists.model import ListEntry, ListVersion, NameKind, Schema
from digisom.compliance.lists.text import country_code
from digisom.compliance.lists.xmltree import Node, parse_xml

SOURCE = "un-sc"
ROOT_TAG = "CONSOLIDATED_LIST"
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ALIAS_KINDS = {"low": NameKind.WEAK, "f.k.a.": NameKind.FORMER}
_DOB_RANGE_YEARS_MAX = 10


def _birth_dates(node: Node) -> list[str]:
    """EXACT / APPROXIMATELY dates or years, and BETWEEN ranges expanded into years."""
    found: list[str] = []
    for dob in node.all("INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = dob.text_of("DATE"), dob.text_of("YEAR")
        first, last = dob.text_of("FROM_YEAR"), dob.text_of("TO_YEAR")
        found.extend(value[:10] for value in (date, year) if value)
        span_ok = first.isdigit() and last.isdigit()
        if span_ok and 0 <= int(last) - int(first) <= _DOB_RANGE_YEARS_MAX:
            found.extend(str(y) for y in range(int(first), int(last) + 1))
    return found


def _entry(path: Path, node: Node, schema: Schema, prefix: str) -> ListEntry:
    data_id = node.text_of("DATAID")
    if not data_id.isdigit():
        raise ListFormatError(path, node.line, f"{node.tag} without a numeric DATAID")
    parts = [node.text_of(tag) for tag in _NAME_PARTS]
    if not parts[0]:
        raise ListFormatError(path, node.line, f"{node.tag} {data_id} has no FIRST_NAME")
    builder = EntryBuilder(f"un-{data_id}", SOURCE, schema)
    builder.add_name(" ".join(part for part in parts if part), NameKind.PRIMARY)
    builder.add_name(node.text_of("NAME_ORIGINAL_SCRIPT"), NameKind.ALIAS)
    for alias in node.all(f"{prefix}_ALIAS"):
        quality = alias.text_of("QUALITY").lower()
        builder.add_name(alias.text_of("ALIAS_NAME"), _ALIAS_KINDS.get(quality, NameKind.ALIAS))
    builder.birth_dates.extend(_birth_dates(node))
    for tag in ("NATIONALITY",):
        for group in node.all(tag):
            builder.countries.extend(country_code(v.text) for v in group.all("VALUE"))
    for address in node.all(f"{prefix}_ADDRESS"):
        fields = ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")
        builder.addresses.append(", ".join(v for v in map(address.text_of, fields) if v))
        builder.countries.append(country_code(address.text_of("COUNTRY")))
    builder.programs.append(node.text_of("UN_LIST_TYPE"))
    return builder.build()


def load_un(path: Path, now: datetime | None = None) -> ListVersion:
    """Load the consolidated XML; any structural problem rejects the whole file."""
    data = read_bytes(path)
    root = parse_xml(path, decode_utf8(path, data))
    if root.tag != ROOT_TAG:
        raise ListFormatError(path, root.line, f"root element must be {ROOT_TAG}")
    groups = [
        ("INDIVIDUALS", "INDIVIDUAL", Schema.PERSON),
        ("ENTITIES", "ENTITY", Schema.ORGANIZATION),
    ]
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for group_tag, tag, schema in groups:
        group = root.child(group_tag)
        if group is None:
            raise ListFormatError(path, root.line, f"missing {group_tag}")
        for node in group.all(tag):
            entry = _entry(path, node, schema, tag)
            if entry.entity_id in seen:
                raise ListFormatError(path, node.line, f"duplicate DATAID {entry.entity_id}")
            seen.add(entry.entity_id)
            entries.append(entry)
    if len(entries) > LIST_ENTRIES_MAX:
        raise ListFormatError(path, root.line, f"more than {LIST_ENTRIES_MAX} entries")
    return ListVersion(SOURCE, content_sha256([data]), now or datetime.now(UTC), tuple(entries))
