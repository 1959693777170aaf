"""Audited access to a named person's transactions, a citizen's access log, and the public
statistics of accesses by agency.

A person can see every look at their data: the access log lists each read of their record or
transactions with when, which agency and role, the purpose and the legal basis. The public sees
only counts per agency, with small counts suppressed so no individual can be singled out.
"""

from dataclasses import dataclass

from digisom.audit.log import AuditEntry, counts_by_agency, entries_about
from digisom.compliance.kyc import vault
from digisom.compliance.kyc.model import check_subject_id
from digisom.compliance.kyc.policy import Policy, default_policy
from digisom.compliance.kyc.vault import READ_ACTIONS, Accessor, Basis
from digisom.compliance.limits import ACCESS_LOG_PAGE_MAX, PUBLIC_STATS_CELL_MIN
from digisom.errors import NotFound
from digisom.ledger.model import Transfer
from digisom.storage.base import LedgerStore


def subject_transfers(
    store: LedgerStore,
    subject_id: str,
    who: Accessor,
    why: Basis,
    after_timestamp: int,
    limit: int,
    policy: Policy | None = None,
) -> list[Transfer]:
    """Transfers of every ledger account linked to the subject, by timestamp, after logging
    the read (the audit entry commits before any transfer is returned)."""
    (policy or default_policy()).check_purpose(why.purpose, who.role)
    vault.status(store, check_subject_id(subject_id))
    accounts = vault.links(store, subject_id, "account")
    with store.write_transaction():
        vault.audit(
            store,
            who,
            "kyc.transactions",
            subject_id,
            why,
            {"accounts": len(accounts), "after": str(after_timestamp)},
        )
    found: dict[int, Transfer] = {}
    for account in accounts:
        for transfer in store.account_transfers(int(account), after_timestamp, limit):
            found[transfer.id] = transfer
    return sorted(found.values(), key=lambda t: t.timestamp)[:limit]


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One look at a person's data, as the person sees it."""

    height: int
    at_ns: int
    agency: str
    role: str
    action: str
    purpose: str
    legal_basis: str


def access_log(
    store: LedgerStore, subject_id: str, after_height: int, limit: int
) -> list[AccessRecord]:
    """The reads of one person's data, oldest first, as that person sees them."""
    check_subject_id(subject_id)
    if limit > ACCESS_LOG_PAGE_MAX:
        limit = ACCESS_LOG_PAGE_MAX
    entries: list[AuditEntry] = entries_about(store, subject_id, READ_ACTIONS, after_height, limit)
    return [
        AccessRecord(
            e.height,
            e.recorded_at_ns,
            e.event.agency,
            e.event.role,
            e.event.action,
            e.event.purpose,
            e.event.legal_basis,
        )
        for e in entries
    ]


@dataclass(frozen=True, slots=True)
class AgencyCount:
    agency: str
    accesses: int | None
    """None when suppressed (fewer than PUBLIC_STATS_CELL_MIN)."""


def access_stats(store: LedgerStore) -> list[AgencyCount]:
    """Reads of personal data per agency; counts below the minimum cell size are suppressed and
    no total is published, so a suppressed cell cannot be recovered by subtraction."""
    counts = counts_by_agency(store, READ_ACTIONS)
    return [
        AgencyCount(agency, count if count >= PUBLIC_STATS_CELL_MIN else None)
        for agency, count in sorted(counts.items())
    ]


def require_subject(store: LedgerStore, subject_id: str | None) -> str:
    if subject_id is None:
        raise NotFound("this key is not bound to a subject")
    return subject_id
