"""API keys bound to who they act for: an officer's key to an agency, a citizen's to a subject.

The agency in every audit entry and the subject of `/v1/me/access-log` come from this binding,
never from the request, so a caller cannot claim another agency or read another person's log.
"""

import re
from dataclasses import dataclass

from digisom.compliance.kyc.model import check_subject_id
from digisom.compliance.kyc.vault import status as subject_status
from digisom.errors import InvalidInput
from digisom.keys import Role, authenticate, create_key, hash_key
from digisom.storage.base import LedgerStore

_AGENCY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")


@dataclass(frozen=True, slots=True)
class BoundCaller:
    actor: str
    """`key-<id>`: the key's row id, pseudonymous and stable."""
    role: Role
    agency: str | None
    subject_id: str | None


def _bind(
    store: LedgerStore, key: str, agency: str | None, subject_id: str | None, label: str
) -> None:
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO compliance_key_bindings (key_hash, agency, subject_id, label) "
            f"VALUES ({p}, {p}, {p}, {p})",
            (hash_key(key), agency, subject_id, label[:200]),
        )


def create_officer_key(store: LedgerStore, agency: str, label: str = "") -> str:
    """A compliance-officer key acting for `agency` (lower-case slug: fiu, central-bank)."""
    if not _AGENCY.match(agency):
        raise InvalidInput("agency must be a lower-case slug of 2 to 64 characters")
    key = create_key(store, Role.COMPLIANCE_OFFICER, label)
    _bind(store, key, agency, None, label)
    return key


def create_citizen_key(store: LedgerStore, subject_id: str, label: str = "") -> str:
    """A citizen's key: it opens only that subject's own access log."""
    subject_status(store, check_subject_id(subject_id))
    key = create_key(store, Role.CITIZEN, label)
    _bind(store, key, "citizen", subject_id, label)
    return key


def resolve(store: LedgerStore, key: str) -> BoundCaller | None:
    """The caller behind a valid key, with its binding if it has one; None if unknown."""
    role = authenticate(store, key)
    if role is None:
        return None
    digest = hash_key(key)
    found = store.find_api_key(digest)
    actor = "key-unknown" if found is None else f"key-{found[0]}"
    rows = store._query(
        f"SELECT agency, subject_id FROM compliance_key_bindings WHERE key_hash = {store.p}",
        (digest,),
    )
    agency, subject = (rows[0][0], rows[0][1]) if rows else (None, None)
    return BoundCaller(actor, role, agency, subject)
