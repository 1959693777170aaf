"""API keys, roles and scopes: who may do what, independent of HTTP.

It sits below the services (platform and compliance bind keys to participants and agencies) and
the API (every route names the scope it needs), so neither has to import from the other.

A key is 32 random bytes shown once (`dsk_` + URL-safe base64) and stored only as its SHA-256, so
a database leak reveals no usable key. Each key has one role; a role grants a fixed set of scopes,
and every route names the scope it needs: no key or an unknown key gets 401, a key whose role
lacks the scope gets 403.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from digisom.audit.log import AuditEvent, append_in_transaction
from digisom.limits import API_KEY_BYTES
from digisom.storage.base import LedgerStore

KEY_PREFIX = "dsk_"
KEY_CHARS_MAX = 100
"""Longer than any key this module makes; a longer bearer token is refused unhashed."""


class Scope(StrEnum):
    LEDGER_READ = "ledger:read"
    LEDGER_WRITE = "ledger:write"
    LEDGER_FREEZE = "ledger:freeze"
    ADMIN = "admin"
    COMPLIANCE_SCREEN = "compliance:screen"
    """Screen names against the sanctions lists loaded in the database."""
    COMPLIANCE_CASES = "compliance:cases"
    """List and decide cases, export suspicious-transaction reports."""
    COMPLIANCE_FREEZE = "compliance:freeze"
    """Freeze, unfreeze and seize under a stated legal basis (ledger and chain together)."""
    KYC_WRITE = "kyc:write"
    """Onboard people into the KYC vault, link accounts and addresses, issue citizen keys."""
    KYC_READ = "kyc:read"
    """Read personal data or a named person's transactions, with a purpose and legal basis."""
    ME_READ = "me:read"
    """A citizen reads the log of who looked at their own data."""


PERSONAL_DATA_SCOPES = frozenset({Scope.KYC_READ, Scope.ME_READ})
"""Scopes that reveal personal data: only the roles named below get them, never admin."""


class Role(StrEnum):
    ADMIN = "admin"
    """Runs the platform: every scope, including creating keys."""
    OPERATOR = "operator"
    """Central-bank operations: moves money and freezes accounts."""
    AUDITOR = "auditor"
    """Reads everything, changes nothing."""
    COMPLIANCE_OFFICER = "compliance_officer"
    """Screens, onboards, decides cases, freezes; reads personal data with a purpose. Each key
    is bound to an agency (see digisom.compliance.keys)."""
    CITIZEN = "citizen"
    """A person: a key bound to their pseudonymous subject id, to read their access log."""


SCOPES_BY_ROLE: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope) - PERSONAL_DATA_SCOPES,
    Role.OPERATOR: frozenset({Scope.LEDGER_READ, Scope.LEDGER_WRITE, Scope.LEDGER_FREEZE}),
    Role.AUDITOR: frozenset({Scope.LEDGER_READ}),
    Role.COMPLIANCE_OFFICER: frozenset(
        {
            Scope.LEDGER_READ,
            Scope.COMPLIANCE_SCREEN,
            Scope.COMPLIANCE_CASES,
            Scope.COMPLIANCE_FREEZE,
            Scope.KYC_WRITE,
            Scope.KYC_READ,
        }
    ),
    Role.CITIZEN: frozenset({Scope.ME_READ}),
}


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def create_key(store: LedgerStore, role: Role, label: str = "") -> str:
    """Store a new key for `role` and return it; it cannot be recovered later."""
    key = KEY_PREFIX + secrets.token_urlsafe(API_KEY_BYTES)
    store.insert_api_key(hash_key(key), role.value, label, time.time_ns())
    return key


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """Who a valid key belongs to, as far as this module knows: the key's row id and role."""

    key_id: int
    role: Role

    @property
    def actor(self) -> str:
        """How the audit log names this caller: the key, never a person."""
        return f"key-{self.key_id}"


def identify(store: LedgerStore, key: str) -> KeyHolder | None:
    """The holder of a valid, unrevoked key, else None."""
    if not key.startswith(KEY_PREFIX) or len(key) > KEY_CHARS_MAX:
        return None
    found = store.find_api_key(hash_key(key))
    return None if found is None else KeyHolder(found[0], Role(found[1]))


def authenticate(store: LedgerStore, key: str) -> Role | None:
    """The role of a valid, unrevoked key, else None."""
    holder = identify(store, key)
    return None if holder is None else holder.role


OPERATOR_AGENCY = "platform"
"""The agency the audit log names for the platform's own operators (keys, ledger operations)."""


def issue_key(store: LedgerStore, role: Role, label: str, *, actor: str, actor_role: str) -> str:
    """Create a key and write who created it to the audit log, in one transaction.

    Creating a key is a privileged action: the entry names the creator and the new key's role,
    never the label (which may name a person).
    """
    event = AuditEvent(
        actor=actor,
        role=actor_role,
        agency=OPERATOR_AGENCY,
        action="key.create",
        subject_id=None,
        purpose="administration",
        legal_basis="platform administration",
        details={"role": role.value},
    )
    with store.write_transaction():
        key = create_key(store, role, label)
        append_in_transaction(store, event)
    return key
