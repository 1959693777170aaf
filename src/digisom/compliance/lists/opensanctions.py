"""Loader for OpenSanctions data in FollowTheMoney JSON lines (one entity per line).

Only the schemata that screening can match (people, organizations, vessels, aircraft) become
entries; `CryptoWallet` entities lend their `publicKey` to their `holder`, and a wallet whose
holder is not in the file becomes an entry of its own so the address is still blocked. Other
schemata (sanctions, addresses, ownerships) are context and are skipped.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digisom.compliance.limits import LIST_ENTRIES_MAX
from digisom.compliance.lists.builder import EntryBuilder
from digisom.compliance.lists.errors import ListFormatError
from digisom.compliance.lists.files import content_sha256, decode_utf8, read_bytes
from digisom.compliance.lists.model import CryptoAddress, ListVersion, NameKind, Schema
from digisom.compliance.lists.text import country_code

SOURCE = "opensanctions"
_SCHEMAS = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "LegalEntity": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
}
_NAME_PROPERTIES = (
    ("name", NameKind.PRIMARY),
    ("alias", NameKind.ALIAS),
    ("previousName", NameKind.FORMER),
    ("weakAlias", NameKind.WEAK),
)
_COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "jurisdiction")
_WALLET = "CryptoWallet"


def _values(path: Path, line: int, properties: dict[str, Any], name: str) -> list[str]:
    values = properties.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ListFormatError(path, line, f"property {name} must be a list of strings")
    return values


def _record(path: Path, line: int, raw: str) -> tuple[str, str, dict[str, Any]]:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ListFormatError(path, line, f"broken JSON: {error.msg}") from error
    if not isinstance(record, dict):
        raise ListFormatError(path, line, "each line must be a JSON object")
    entity_id, schema = record.get("id"), record.get("schema")
    properties = record.get("properties", {})
    if not isinstance(entity_id, str) or not entity_id or not isinstance(schema, str):
        raise ListFormatError(path, line, "entity needs a string id and schema")
    if not isinstance(properties, dict):
        raise ListFormatError(path, line, "properties must be an object")
    return entity_id, schema, properties


def _entity(
    path: Path, line: int, entity_id: str, schema: Schema, props: dict[str, Any]
) -> EntryBuilder:
    builder = EntryBuilder(entity_id, SOURCE, schema)
    for name, kind in _NAME_PROPERTIES:
        for value in _values(path, line, props, name):
            builder.add_name(value, kind)
    if not builder.names:
        raise ListFormatError(path, line, f"entity {entity_id} has no name")
    builder.birth_dates.extend(value[:10] for value in _values(path, line, props, "birthDate"))
    for name in _COUNTRY_PROPERTIES:
        builder.countries.extend(country_code(v) for v in _values(path, line, props, name))
    builder.addresses.extend(_values(path, line, props, "address"))
    builder.programs.extend(_values(path, line, props, "topics"))
    return builder


def load_opensanctions(path: Path, now: datetime | None = None) -> ListVersion:
    """Load a FollowTheMoney JSON lines file; any bad line rejects the whole file."""
    data = read_bytes(path)
    builders: dict[str, EntryBuilder] = {}
    wallets: list[tuple[int, str, dict[str, Any]]] = []
    for line, raw in enumerate(decode_utf8(path, data).splitlines(), start=1):
        if not raw.strip():
            continue
        entity_id, schema_name, properties = _record(path, line, raw)
        if entity_id in builders:
            raise ListFormatError(path, line, f"duplicate entity id {entity_id}")
        if schema_name == _WALLET:
            wallets.append((line, entity_id, properties))
        elif schema_name in _SCHEMAS:
            builders[entity_id] = _entity(path, line, entity_id, _SCHEMAS[schema_name], properties)
        if len(builders) + len(wallets) > LIST_ENTRIES_MAX:
            raise ListFormatError(path, line, f"more than {LIST_ENTRIES_MAX} entries")
    for line, wallet_id, properties in wallets:
        currency = "".join(_values(path, line, properties, "currency")[:1]).upper()
        holders = _values(path, line, properties, "holder")
        owner = builders.get(holders[0]) if holders else None
        if owner is None:
            owner = builders.setdefault(wallet_id, EntryBuilder(wallet_id, SOURCE, Schema.UNKNOWN))
        for key in _values(path, line, properties, "publicKey"):
            owner.add_crypto(CryptoAddress(currency, key))
    entries = tuple(builder.build() for builder in builders.values())
    return ListVersion(SOURCE, content_sha256([data]), now or datetime.now(UTC), entries)
