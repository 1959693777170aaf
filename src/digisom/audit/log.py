"""The hash-chained audit log: append, head, verify, and the entries about one person.

`hash = SHA-256(DOMAIN || u64(height) || previous_hash || u64(recorded_at_ns) || fields)`, where
`fields` are actor, role, agency, action, subject id, purpose, legal basis and the canonical JSON
of `details` (sorted keys, no spaces, UTF-8), each as u32 length + UTF-8 bytes. The encoding is
unambiguous (length-prefixed), so two different entries can never hash the same input, and a
changed, removed, inserted or reordered row breaks the chain from that row on, as in the ledger's
journal. Appends take the store's write lock, so the chain stays linear with many writers.

The log is permanent and cannot be erased, so it must never hold personal data: people appear
only as pseudonymous subject ids, and `details` carries counts and ids, never names.
"""

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from digisom.audit.limits import (
    DETAILS_BYTES_MAX,
    ENTRIES_PAGE_MAX,
    FIELD_CHARS_MAX,
    LEGAL_BASIS_CHARS_MAX,
    LEGAL_BASIS_CHARS_MIN,
)
from digisom.errors import InvalidInput, invariant
from digisom.ledger.model import GENESIS_HASH
from digisom.storage.base import LedgerStore

DOMAIN = b"digisom-audit-v1"
_COLUMNS = (
    "height, hash, previous_hash, recorded_at_ns, actor, role, agency, action, subject_id, "
    "purpose, legal_basis, details"
)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened, who did it, and on what basis: the part of an entry the caller gives."""

    actor: str
    """The key or person that acted (a key label or id, never a name)."""
    role: str
    """The caller's role when it acted."""
    agency: str
    """The agency the actor works for ("fiu", "central-bank", "citizen", ...)."""
    action: str
    """What was done, e.g. "kyc.read", "account.freeze", "screen"."""
    subject_id: str | None
    """The pseudonymous subject the action touched, if any: what a citizen's access log lists."""
    purpose: str
    """The stated purpose (a code from the purposes table)."""
    legal_basis: str
    """The legal-basis reference the actor gave (law and article, court order number)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Facts about the action (counts, case ids), JSON-encodable, never personal data."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A stored event and its place in the chain."""

    height: int
    hash: bytes
    previous_hash: bytes
    recorded_at_ns: int
    event: AuditEvent


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The newest entry's height and hash (height 0 and the genesis hash when empty)."""

    height: int
    hash: bytes


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """The outcome of recomputing the chain from the stored rows."""

    ok: bool
    entries: int
    head: AuditHead
    first_bad_height: int | None
    reason: str


def canonical_details(details: Mapping[str, Any]) -> str:
    return json.dumps(dict(details), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _field(value: str) -> bytes:
    data = value.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def entry_hash(height: int, previous_hash: bytes, recorded_at_ns: int, event: AuditEvent) -> bytes:
    """The chain hash of one entry (see the module docstring for the layout)."""
    digest = hashlib.sha256()
    digest.update(DOMAIN)
    digest.update(height.to_bytes(8, "big"))
    digest.update(previous_hash)
    digest.update(recorded_at_ns.to_bytes(8, "big"))
    for value in (
        event.actor,
        event.role,
        event.agency,
        event.action,
        event.subject_id or "",
        event.purpose,
        event.legal_basis,
        canonical_details(event.details),
    ):
        digest.update(_field(value))
    digest.update(b"\x01" if event.subject_id is not None else b"\x00")
    return digest.digest()


def check_event(event: AuditEvent) -> None:
    """Refuse an event with an empty or oversized field: nothing is written."""
    named = {
        "actor": event.actor,
        "role": event.role,
        "agency": event.agency,
        "action": event.action,
        "purpose": event.purpose,
    }
    for name, value in named.items():
        if not value or len(value) > FIELD_CHARS_MAX:
            raise InvalidInput(f"audit {name} must have 1 to {FIELD_CHARS_MAX} characters")
    if event.subject_id is not None and not 0 < len(event.subject_id) <= FIELD_CHARS_MAX:
        raise InvalidInput(f"audit subject id must have 1 to {FIELD_CHARS_MAX} characters")
    basis = event.legal_basis.strip()
    if not LEGAL_BASIS_CHARS_MIN <= len(basis) <= LEGAL_BASIS_CHARS_MAX:
        raise InvalidInput(
            f"legal basis must have {LEGAL_BASIS_CHARS_MIN} to {LEGAL_BASIS_CHARS_MAX} characters"
        )
    try:
        encoded = canonical_details(event.details).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"audit details are not JSON: {error}") from error
    if len(encoded) > DETAILS_BYTES_MAX:
        raise InvalidInput(f"audit details over {DETAILS_BYTES_MAX} bytes")


def head(store: LedgerStore) -> AuditHead:
    rows = store._query("SELECT height, hash FROM audit_log ORDER BY height DESC LIMIT 1")
    if not rows:
        return AuditHead(0, GENESIS_HASH)
    return AuditHead(int(rows[0][0]), bytes(rows[0][1]))


def append_in_transaction(store: LedgerStore, event: AuditEvent) -> AuditEntry:
    """Append inside a `store.write_transaction()` the caller holds, so that the entry commits
    or rolls back with the action it records."""
    check_event(event)
    last = head(store)
    height = last.height + 1
    recorded_at_ns = time.time_ns()
    digest = entry_hash(height, last.hash, recorded_at_ns, event)
    p = store.p
    store._execute(
        f"INSERT INTO audit_log ({_COLUMNS}) VALUES "
        f"({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
        (
            height,
            digest,
            last.hash,
            recorded_at_ns,
            event.actor,
            event.role,
            event.agency,
            event.action,
            event.subject_id,
            event.purpose,
            event.legal_basis,
            canonical_details(event.details),
        ),
    )
    return AuditEntry(height, digest, last.hash, recorded_at_ns, event)


def append(store: LedgerStore, event: AuditEvent) -> AuditEntry:
    """Append one entry in its own transaction (under the store's write lock)."""
    with store.write_transaction():
        return append_in_transaction(store, event)


def _entry(row: Any) -> AuditEntry:
    event = AuditEvent(
        actor=row[4],
        role=row[5],
        agency=row[6],
        action=row[7],
        subject_id=row[8],
        purpose=row[9],
        legal_basis=row[10],
        details=json.loads(row[11]),
    )
    return AuditEntry(int(row[0]), bytes(row[1]), bytes(row[2]), int(row[3]), event)


def iter_entries(store: LedgerStore) -> Iterator[AuditEntry]:
    """Every entry by height; call inside `store.read_snapshot()`."""
    for row in store._stream(f"SELECT {_COLUMNS} FROM audit_log ORDER BY height"):
        yield _entry(row)


def verify(store: LedgerStore) -> AuditVerification:
    """Recompute the chain from the stored rows; report the first row that does not fit."""
    previous = AuditHead(0, GENESIS_HASH)
    count = 0
    with store.read_snapshot():
        for entry in iter_entries(store):
            reason = _check_link(previous, entry)
            if reason:
                return AuditVerification(False, count, previous, entry.height, reason)
            previous = AuditHead(entry.height, entry.hash)
            count += 1
    invariant(count == previous.height, "verified entry count equals the head height")
    return AuditVerification(True, count, previous, None, "")


def _check_link(previous: AuditHead, entry: AuditEntry) -> str:
    if entry.height != previous.height + 1:
        return f"height {entry.height} follows {previous.height}"
    if entry.previous_hash != previous.hash:
        return f"entry {entry.height} does not point at the hash of entry {previous.height}"
    expected = entry_hash(entry.height, previous.hash, entry.recorded_at_ns, entry.event)
    if entry.hash != expected:
        return f"entry {entry.height}: stored hash does not match its content"
    return ""


def entries_about(
    store: LedgerStore, subject_id: str, actions: tuple[str, ...], after_height: int, limit: int
) -> list[AuditEntry]:
    """The entries naming `subject_id` whose action is one of `actions`, by height."""
    invariant(0 < limit <= ENTRIES_PAGE_MAX, "page size within limits")
    invariant(len(actions) > 0, "at least one action")
    p = store.p
    marks = ", ".join([p] * len(actions))
    rows = store._query(
        f"SELECT {_COLUMNS} FROM audit_log WHERE subject_id = {p} AND action IN ({marks}) "
        f"AND height > {p} ORDER BY height LIMIT {p}",
        (subject_id, *actions, after_height, limit),
    )
    return [_entry(row) for row in rows]


def counts_by_agency(store: LedgerStore, actions: tuple[str, ...]) -> dict[str, int]:
    """How many entries with one of `actions` each agency has, for the public statistics."""
    invariant(len(actions) > 0, "at least one action")
    marks = ", ".join([store.p] * len(actions))
    rows = store._query(
        f"SELECT agency, COUNT(*) FROM audit_log WHERE action IN ({marks}) GROUP BY agency",
        actions,
    )
    return {str(row[0]): int(row[1]) for row in rows}
