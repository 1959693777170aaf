"""Sanctions lists in the database: each load is a stored version, and a new version re-screens
every KYC subject and registered address against what changed.

A file is parsed whole before anything is written (the loaders refuse malformed files with
`ListFormatError`), and all files of one load are stored in one transaction, so a bad file never
replaces the last good version. A load whose content hash equals the last version's stores
nothing: re-running a scheduled download is free.
"""

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digisom.compliance.lists import ListVersion, diff, load_list
from digisom.compliance.lists.model import CryptoAddress, EntryName, ListEntry, NameKind, Schema
from digisom.errors import invariant
from digisom.storage.base import LedgerStore


@dataclass(frozen=True, slots=True)
class StoredVersion:
    id: int
    source: str
    sha256: str
    loaded_at_ns: int
    entry_count: int


def entries_json(entries: tuple[ListEntry, ...]) -> str:
    return json.dumps([asdict(e) for e in entries], ensure_ascii=False, separators=(",", ":"))


def _entry(raw: dict[str, Any]) -> ListEntry:
    return ListEntry(
        entity_id=raw["entity_id"],
        source=raw["source"],
        schema=Schema(raw["schema"]),
        names=tuple(EntryName(n["value"], NameKind(n["kind"]), n["script"]) for n in raw["names"]),
        birth_dates=tuple(raw["birth_dates"]),
        countries=tuple(raw["countries"]),
        addresses=tuple(raw["addresses"]),
        crypto_addresses=tuple(
            CryptoAddress(c["currency"], c["address"]) for c in raw["crypto_addresses"]
        ),
        programs=tuple(raw["programs"]),
    )


def status(store: LedgerStore) -> list[StoredVersion]:
    """The newest version of every source, by source."""
    rows = store._query(
        "SELECT v.id, v.source, v.sha256, v.loaded_at_ns, v.entry_count "
        "FROM compliance_list_versions v WHERE v.id = "
        "(SELECT MAX(w.id) FROM compliance_list_versions w WHERE w.source = v.source) "
        "ORDER BY v.source"
    )
    return [StoredVersion(int(r[0]), r[1], r[2], int(r[3]), int(r[4])) for r in rows]


def _version(rows: list[Any]) -> ListVersion | None:
    if not rows:
        return None
    r = rows[0]
    loaded = datetime.fromtimestamp(int(r[2]) / 1e9, UTC)
    return ListVersion(r[0], r[1], loaded, tuple(_entry(e) for e in json.loads(r[3])))


def latest(store: LedgerStore, source: str) -> ListVersion | None:
    rows = store._query(
        "SELECT source, sha256, loaded_at_ns, entries FROM compliance_list_versions "
        f"WHERE source = {store.p} ORDER BY id DESC LIMIT 1",
        (source,),
    )
    return _version(rows)


def version(store: LedgerStore, version_id: int) -> ListVersion:
    """One stored version by id (the ids `status` returns)."""
    rows = store._query(
        "SELECT source, sha256, loaded_at_ns, entries FROM compliance_list_versions "
        f"WHERE id = {store.p}",
        (version_id,),
    )
    found = _version(rows)
    invariant(found is not None, f"list version {version_id} exists")
    assert found is not None
    return found


def latest_all(store: LedgerStore) -> list[ListVersion]:
    found = [latest(store, v.source) for v in status(store)]
    return [v for v in found if v is not None]


@dataclass(frozen=True, slots=True)
class LoadResult:
    source: str
    sha256: str
    stored: bool
    """False when the content equals the last stored version."""
    version: ListVersion
    previous: ListVersion | None


def load_files(store: LedgerStore, paths: list[Path]) -> list[LoadResult]:
    """Parse every path (all or nothing), then store each changed list as a new version."""
    versions = [load_list(path) for path in paths]
    results: list[LoadResult] = []
    p = store.p
    now = time.time_ns()
    with store.write_transaction():
        for version in versions:
            previous = latest(store, version.source)
            unchanged = previous is not None and previous.content_sha256 == version.content_sha256
            if not unchanged:
                store._execute(
                    "INSERT INTO compliance_list_versions (source, sha256, loaded_at_ns, "
                    f"entry_count, entries) VALUES ({p}, {p}, {p}, {p}, {p})",
                    (
                        version.source,
                        version.content_sha256,
                        now,
                        len(version.entries),
                        entries_json(version.entries),
                    ),
                )
            results.append(
                LoadResult(version.source, version.content_sha256, not unchanged, version, previous)
            )
    return results


def changed_entries(result: LoadResult) -> tuple[ListEntry, ...]:
    """The entries that can create new hits: added or changed since the previous version."""
    if not result.stored:
        return ()
    if result.previous is None:
        return result.version.entries
    change = diff(result.previous, result.version)
    return change.added + tuple(new for _, new in change.changed)
