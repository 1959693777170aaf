"""Platform API keys bound to a participant, their roles and scopes, and per-object checks.

The ledger API's keys (admin, operator, auditor in `digisom.keys`) stay as they are. Platform
keys live in their own table and name the participant they act for: a bank's key reaches only
that bank's customers' wallets, a government key only its own accounts, the central bank's key
operates issuance; compliance and auditor keys read and never move money. An admin ledger key has
every platform scope; an auditor ledger key has the read scope.
"""

import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from digisom.errors import InvalidInput
from digisom.keys import KEY_PREFIX, Role, authenticate, hash_key
from digisom.limits import API_KEY_BYTES
from digisom.platform import db
from digisom.platform.errors import Forbidden
from digisom.platform.records import Kind, Wallet
from digisom.storage.base import LedgerStore


class PlatformScope(StrEnum):
    ISSUE = "platform:issue"
    WALLETS = "platform:wallets"
    PAYMENTS = "platform:payments"
    GOVERNMENT = "platform:government"
    READ = "platform:read"


class PlatformRole(StrEnum):
    CENTRAL_BANK = "central_bank"
    BANK = "bank"
    GOVERNMENT = "government"
    COMPLIANCE = "compliance"
    AUDITOR = "auditor"
    ADMIN = "admin"


SCOPES: dict[PlatformRole, frozenset[PlatformScope]] = {
    PlatformRole.CENTRAL_BANK: frozenset({PlatformScope.ISSUE, PlatformScope.READ}),
    PlatformRole.BANK: frozenset({PlatformScope.WALLETS, PlatformScope.PAYMENTS}),
    PlatformRole.GOVERNMENT: frozenset({PlatformScope.GOVERNMENT}),
    PlatformRole.COMPLIANCE: frozenset({PlatformScope.READ}),
    PlatformRole.AUDITOR: frozenset({PlatformScope.READ}),
    PlatformRole.ADMIN: frozenset(PlatformScope),
}
_KINDS: dict[PlatformRole, frozenset[Kind]] = {
    PlatformRole.CENTRAL_BANK: frozenset({Kind.CENTRAL_BANK}),
    PlatformRole.BANK: frozenset({Kind.BANK}),
    PlatformRole.GOVERNMENT: frozenset({Kind.TREASURY, Kind.AGENCY}),
}


@dataclass(frozen=True, slots=True)
class Caller:
    role: PlatformRole
    participant_id: str | None
    """None for roles that act for nobody in particular (compliance, auditor, admin)."""

    def can(self, scope: PlatformScope) -> bool:
        return scope in SCOPES[self.role]

    def sees_everything(self) -> bool:
        return self.role in (
            PlatformRole.ADMIN,
            PlatformRole.AUDITOR,
            PlatformRole.COMPLIANCE,
            PlatformRole.CENTRAL_BANK,
        )


def create_key(
    store: LedgerStore, role: PlatformRole, participant_id: str | None, label: str = ""
) -> str:
    """Store a new platform key and return it (shown once, kept only as a hash)."""
    if role in _KINDS:
        if participant_id is None:
            raise InvalidInput(f"a {role.value} key acts for a participant: name it")
        participant = db.get_participant(store, participant_id)
        if participant.kind not in _KINDS[role]:
            raise InvalidInput(
                f"{participant_id} is a {participant.kind.value}, not a {role.value}"
            )
    elif participant_id is not None:
        raise InvalidInput(f"a {role.value} key does not act for a participant")
    key = KEY_PREFIX + secrets.token_urlsafe(API_KEY_BYTES)
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO platform_api_keys (key_hash, participant_id, role, label, "
            f"created_at_ns, revoked) VALUES ({p}, {p}, {p}, {p}, {p}, 0)",
            (hash_key(key), participant_id, role.value, label[:200], time.time_ns()),
        )
    return key


def authenticate_caller(store: LedgerStore, key: str) -> Caller | None:
    """The caller a platform key (or a ledger admin/auditor key) stands for, else None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    rows = store._query(
        "SELECT role, participant_id FROM platform_api_keys "
        f"WHERE key_hash = {store.p} AND revoked = 0",
        (hash_key(key),),
    )
    if rows:
        return Caller(PlatformRole(rows[0][0]), rows[0][1])
    role = authenticate(store, key)
    if role == Role.ADMIN:
        return Caller(PlatformRole.ADMIN, None)
    if role == Role.AUDITOR:
        return Caller(PlatformRole.AUDITOR, None)
    return None


def check_wallet(caller: Caller, wallet: Wallet, *, moving: bool) -> None:
    """A bank reaches its own customers' wallets; readers see all; only banks move money."""
    if caller.role == PlatformRole.BANK and wallet.bank_id == caller.participant_id:
        return
    if not moving and caller.sees_everything():
        return
    raise Forbidden(f"wallet {wallet.id} is not served by {caller.participant_id or caller.role}")


def check_government(caller: Caller, participant_id: str) -> None:
    """A government key acts only for its own agency (admin aside)."""
    if caller.role == PlatformRole.ADMIN or caller.participant_id == participant_id:
        return
    if caller.role == PlatformRole.AUDITOR:
        return
    raise Forbidden(f"{caller.participant_id or caller.role} cannot act for {participant_id}")
