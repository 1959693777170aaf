"""The KYC vault: encrypted personal records, their links to ledger accounts and on-chain
addresses, erasure under the retention rules, and audited reads.

Every read of personal data goes through `read_record`, which first appends an audit entry (who,
which agency, purpose, legal basis) in the same transaction; if the entry cannot be written the
read does not happen. Erasure deletes the wrapped data key and the ciphertext (crypto-shredding)
and keeps a tombstone row, so links and cases still resolve to "erased".
"""

import time
from dataclasses import dataclass

from digisom.audit.log import AuditEvent, append_in_transaction
from digisom.compliance.kyc.crypto import KeyService, open_sealed, seal
from digisom.compliance.kyc.model import KycRecord, check_record, check_subject_id, new_subject_id
from digisom.compliance.kyc.policy import NS_PER_DAY, Policy, default_policy
from digisom.compliance.limits import KYC_LINKS_PER_SUBJECT_MAX
from digisom.errors import InvalidInput, NotFound, invariant
from digisom.storage.base import LedgerStore

LINK_KINDS = ("account", "address")
READ_ACTIONS = ("kyc.read", "kyc.transactions")
"""The actions a citizen's access log lists and the public statistics count."""


@dataclass(frozen=True, slots=True)
class Accessor:
    """Who is acting: resolved from the API key, never from the request body."""

    actor: str
    role: str
    agency: str


@dataclass(frozen=True, slots=True)
class Basis:
    """Why: a purpose code from the policy and a legal-basis reference."""

    purpose: str
    legal_basis: str


@dataclass(frozen=True, slots=True)
class SubjectStatus:
    subject_id: str
    retention_class: str
    screening: str
    created_at_ns: int
    relationship_ended_at_ns: int | None
    erased_at_ns: int | None


def audit(
    store: LedgerStore,
    who: Accessor,
    action: str,
    subject_id: str | None,
    why: Basis,
    details: dict[str, object] | None = None,
) -> None:
    """Append an audit entry inside the caller's write transaction."""
    event = AuditEvent(
        who.actor,
        who.role,
        who.agency,
        action,
        subject_id,
        why.purpose,
        why.legal_basis,
        details or {},
    )
    append_in_transaction(store, event)


def register(
    store: LedgerStore,
    keys: KeyService,
    record: KycRecord,
    retention_class: str,
    who: Accessor,
    why: Basis,
    policy: Policy | None = None,
) -> str:
    """Encrypt and store a new person; return their new pseudonymous subject id."""
    check_record(record)
    (policy or default_policy()).rule(retention_class)
    subject_id = new_subject_id()
    key_id, wrapped, nonce, ciphertext = seal(keys, record.to_json(), subject_id)
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO kyc_subjects (subject_id, key_id, wrapped_key, nonce, ciphertext, "
            "retention_class, screening, created_at_ns) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, 'pending', {p})",
            (subject_id, key_id, wrapped, nonce, ciphertext, retention_class, time.time_ns()),
        )
        audit(store, who, "kyc.create", subject_id, why)
    return subject_id


def status(store: LedgerStore, subject_id: str) -> SubjectStatus:
    check_subject_id(subject_id)
    rows = store._query(
        "SELECT subject_id, retention_class, screening, created_at_ns, relationship_ended_at_ns, "
        f"erased_at_ns FROM kyc_subjects WHERE subject_id = {store.p}",
        (subject_id,),
    )
    if not rows:
        raise NotFound(f"subject {subject_id} not found")
    r = rows[0]
    return SubjectStatus(r[0], r[1], r[2], int(r[3]), r[4], r[5])


def link(
    store: LedgerStore, subject_id: str, kind: str, value: str, who: Accessor, why: Basis
) -> None:
    """Link a ledger account id (decimal) or an EVM address to a subject; idempotent."""
    if kind not in LINK_KINDS:
        raise InvalidInput(f"link kind must be one of {', '.join(LINK_KINDS)}")
    value = _normal_link(kind, value)
    status(store, subject_id)
    p = store.p
    with store.write_transaction():
        rows = store._query(
            f"SELECT subject_id FROM kyc_links WHERE kind = {p} AND value = {p}", (kind, value)
        )
        if rows:
            if rows[0][0] != subject_id:
                raise InvalidInput(f"{kind} {value} is already linked to another subject")
            return
        count = store._query(
            f"SELECT COUNT(*) FROM kyc_links WHERE subject_id = {p}", (subject_id,)
        )[0][0]
        if int(count) >= KYC_LINKS_PER_SUBJECT_MAX:
            raise InvalidInput(f"a subject has at most {KYC_LINKS_PER_SUBJECT_MAX} links")
        store._execute(
            f"INSERT INTO kyc_links (kind, value, subject_id) VALUES ({p}, {p}, {p})",
            (kind, value, subject_id),
        )
        audit(store, who, f"kyc.link.{kind}", subject_id, why)


def _normal_link(kind: str, value: str) -> str:
    if kind == "account":
        if not value.isdigit() or not 0 < int(value) < 2**128:
            raise InvalidInput("an account link is a decimal 128-bit account id")
        return str(int(value))
    if len(value) != 42 or not value.startswith("0x"):
        raise InvalidInput("an address link is a 0x-prefixed 20-byte EVM address")
    try:
        int(value[2:], 16)
    except ValueError as error:
        raise InvalidInput("an address link is a 0x-prefixed 20-byte EVM address") from error
    return value.lower()


def links(store: LedgerStore, subject_id: str, kind: str) -> list[str]:
    p = store.p
    rows = store._query(
        f"SELECT value FROM kyc_links WHERE subject_id = {p} AND kind = {p} ORDER BY value",
        (subject_id, kind),
    )
    return [str(r[0]) for r in rows]


def subject_of(store: LedgerStore, kind: str, value: str) -> str | None:
    p = store.p
    rows = store._query(
        f"SELECT subject_id FROM kyc_links WHERE kind = {p} AND value = {p}",
        (kind, _normal_link(kind, value)),
    )
    return str(rows[0][0]) if rows else None


def read_record(
    store: LedgerStore,
    keys: KeyService,
    subject_id: str,
    who: Accessor,
    why: Basis,
    policy: Policy | None = None,
) -> KycRecord:
    """Decrypt a person's record after logging the read; refuse an unlisted purpose or role."""
    (policy or default_policy()).check_purpose(why.purpose, who.role)
    check_subject_id(subject_id)
    p = store.p
    with store.write_transaction():
        rows = store._query(
            "SELECT wrapped_key, nonce, ciphertext, erased_at_ns FROM kyc_subjects "
            f"WHERE subject_id = {p}",
            (subject_id,),
        )
        if not rows:
            raise NotFound(f"subject {subject_id} not found")
        if rows[0][3] is not None:
            raise NotFound(f"the personal data of {subject_id} was erased")
        audit(store, who, "kyc.read", subject_id, why)
    wrapped, nonce, ciphertext = bytes(rows[0][0]), bytes(rows[0][1]), bytes(rows[0][2])
    return KycRecord.from_json(open_sealed(keys, wrapped, nonce, ciphertext, subject_id))


def decrypt_for_screening(
    store: LedgerStore, keys: KeyService, subject_id: str
) -> KycRecord | None:
    """The record for automated screening (names, birth date, country go to the matcher only,
    are not shown to anyone and so are not an access a person sees); None once erased."""
    rows = store._query(
        "SELECT wrapped_key, nonce, ciphertext FROM kyc_subjects "
        f"WHERE subject_id = {store.p} AND erased_at_ns IS NULL",
        (subject_id,),
    )
    if not rows:
        return None
    data = open_sealed(keys, bytes(rows[0][0]), bytes(rows[0][1]), bytes(rows[0][2]), subject_id)
    return KycRecord.from_json(data)


def live_subject_ids(store: LedgerStore) -> list[str]:
    rows = store._query(
        "SELECT subject_id FROM kyc_subjects WHERE erased_at_ns IS NULL ORDER BY subject_id"
    )
    return [str(r[0]) for r in rows]


def set_screening(store: LedgerStore, subject_id: str, outcome: str) -> None:
    invariant(outcome in ("pending", "pass", "review", "block"), "screening outcome")
    with store.write_transaction():
        store._execute(
            f"UPDATE kyc_subjects SET screening = {store.p} WHERE subject_id = {store.p}",
            (outcome, subject_id),
        )


def end_relationship(
    store: LedgerStore, subject_id: str, ended_at_ns: int, who: Accessor, why: Basis
) -> None:
    """Record that the customer left: the retention period starts counting here."""
    status(store, subject_id)
    p = store.p
    with store.write_transaction():
        store._execute(
            f"UPDATE kyc_subjects SET relationship_ended_at_ns = {p} WHERE subject_id = {p}",
            (ended_at_ns, subject_id),
        )
        audit(store, who, "kyc.end_relationship", subject_id, why)


def erasure_refusal(
    store: LedgerStore, subject_id: str, now_ns: int, policy: Policy | None = None
) -> str:
    """Why the record may not be erased yet ("" if it may)."""
    rules = policy or default_policy()
    found = status(store, subject_id)
    if found.erased_at_ns is not None:
        return "already erased"
    rule = rules.rule(found.retention_class)
    if not rule.erasure_on_request:
        return f"records of class {rule.retention_class} are not erased on request ({rule.basis})"
    if found.relationship_ended_at_ns is None:
        return "the business relationship has not ended"
    until = found.relationship_ended_at_ns + rule.retain_days_after_end * NS_PER_DAY
    if now_ns < until:
        return f"retained until {until} ns since the epoch ({rule.basis})"
    if rules.hold_while_case_open and _open_cases(store, subject_id):
        return "an open case holds this record"
    return ""


def _open_cases(store: LedgerStore, subject_id: str) -> int:
    rows = store._query(
        f"SELECT COUNT(*) FROM compliance_cases WHERE subject_id = {store.p} AND status = 'open'",
        (subject_id,),
    )
    return int(rows[0][0])


def erase(
    store: LedgerStore,
    subject_id: str,
    who: Accessor,
    why: Basis,
    now_ns: int | None = None,
    policy: Policy | None = None,
) -> None:
    """Crypto-shred a record whose retention has run out; refuse with the reason otherwise."""
    now = time.time_ns() if now_ns is None else now_ns
    refusal = erasure_refusal(store, subject_id, now, policy)
    if refusal:
        raise InvalidInput(f"cannot erase {subject_id}: {refusal}")
    p = store.p
    with store.write_transaction():
        store._execute(
            "UPDATE kyc_subjects SET wrapped_key = NULL, nonce = NULL, ciphertext = NULL, "
            f"erased_at_ns = {p} WHERE subject_id = {p}",
            (now, subject_id),
        )
        audit(store, who, "kyc.erase", subject_id, why)
