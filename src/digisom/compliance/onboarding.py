"""Screening KYC subjects: at onboarding, and again whenever a list changes.

The outcome of one subject is `pass`, `review` or `block` from the best hit's score (thresholds
in compliance/limits.py); review and block open a case an officer decides. Only the matcher sees
the decrypted names: nothing personal is logged or stored in the case, which names the subject
by id and the list entries by their public ids.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from digisom.compliance.addresses import address_key
from digisom.compliance.cases import NewCase, open_cases_in_transaction
from digisom.compliance.kyc import vault
from digisom.compliance.kyc.crypto import KeyService
from digisom.compliance.limits import SCREEN_BLOCK_SCORE_MIN, SCREEN_REVIEW_SCORE_MIN
from digisom.compliance.listdb import LoadResult, changed_entries
from digisom.compliance.lists.model import ListEntry, ListVersion
from digisom.compliance.screening.screen import Hit, Screener
from digisom.storage.base import LedgerStore


def outcome_of(hits: list[Hit]) -> str:
    best = max((h.score for h in hits), default=0.0)
    if best >= SCREEN_BLOCK_SCORE_MIN:
        return "block"
    if best >= SCREEN_REVIEW_SCORE_MIN:
        return "review"
    return "pass"


def _hit_facts(hits: list[Hit]) -> list[dict[str, Any]]:
    """What a case keeps of a hit: the public list entry and the score, not the query name."""
    return [
        {
            "entity_id": h.entry.entity_id,
            "source": h.entry.source,
            "list_name": h.list_name,
            "score": round(h.score, 4),
            "dob": h.qualifiers.dob.value,
            "country": h.qualifiers.country.value,
        }
        for h in hits
    ]


@dataclass(frozen=True, slots=True)
class SubjectScreening:
    subject_id: str
    outcome: str
    hits: list[Hit]
    case_id: int | None


def screen_subject(
    store: LedgerStore, keys: KeyService, screener: Screener, subject_id: str
) -> SubjectScreening:
    """Screen one subject, store the outcome, and open a case unless it passes."""
    record = vault.decrypt_for_screening(store, keys, subject_id)
    if record is None:
        return SubjectScreening(subject_id, "pass", [], None)
    hits = screener.screen(record.names, record.date_of_birth, record.country)
    outcome = outcome_of(hits)
    vault.set_screening(store, subject_id, outcome)
    case_id = None
    if outcome != "pass":
        case = NewCase(
            "screening",
            outcome,
            f"onboarding screening: {len(hits)} hit(s)",
            {"hits": _hit_facts(hits)},
            subject_id=subject_id,
        )
        with store.write_transaction():
            open_cases_in_transaction(store, [case])
            case_id = int(store._query("SELECT MAX(id) FROM compliance_cases")[0][0])
    return SubjectScreening(subject_id, outcome, hits, case_id)


@dataclass(frozen=True, slots=True)
class RescreenReport:
    entries_screened: int
    subjects_screened: int
    addresses_checked: int
    new_cases: list[dict[str, Any]]


def rescreen_after_load(
    store: LedgerStore, keys: KeyService | None, results: list[LoadResult]
) -> RescreenReport:
    """Screen every live subject and registered address against the added or changed entries
    of the new versions; open a `list_update` case for every new hit. Without keys (no master
    key configured) names cannot be decrypted, so only addresses are checked."""
    entries = [e for r in results for e in changed_entries(r)]
    if not entries:
        return RescreenReport(0, 0, 0, [])
    subjects = vault.live_subject_ids(store) if keys is not None else []
    new_cases = _name_hits(store, keys, subjects, results[0].version.loaded_at, entries)
    address_cases, checked = _address_hits(store, entries)
    new_cases += address_cases
    if new_cases:
        with store.write_transaction():
            open_cases_in_transaction(store, new_cases)
    report = [
        {
            "kind": c.kind,
            "subject_id": c.subject_id,
            "outcome": c.outcome,
            "hits": c.details.get("hits", c.details),
        }
        for c in new_cases
    ]
    return RescreenReport(len(entries), len(subjects), checked, report)


def _name_hits(
    store: LedgerStore,
    keys: KeyService | None,
    subjects: list[str],
    loaded_at: datetime,
    entries: list[ListEntry],
) -> list[NewCase]:
    """A case per subject whose names now match a changed entry (at least `review`: any hit
    at the match threshold is one an officer must see)."""
    if keys is None or not subjects:
        return []
    screener = Screener([ListVersion("changed", "", loaded_at, tuple(entries))])
    cases: list[NewCase] = []
    for subject_id in subjects:
        record = vault.decrypt_for_screening(store, keys, subject_id)
        if record is None:
            continue
        hits = screener.screen(record.names, record.date_of_birth, record.country)
        if hits:
            outcome = "block" if outcome_of(hits) == "block" else "review"
            summary = f"list update: {len(hits)} new hit(s)"
            cases.append(
                NewCase("list_update", outcome, summary, {"hits": _hit_facts(hits)}, subject_id)
            )
    return cases


def _address_hits(store: LedgerStore, entries: list[ListEntry]) -> tuple[list[NewCase], int]:
    named: dict[str, list[str]] = {}
    for entry in entries:
        for wallet in entry.crypto_addresses:
            named.setdefault(address_key(wallet.address), []).append(entry.entity_id)
    rows = store._query("SELECT value, subject_id FROM kyc_links WHERE kind = 'address'")
    cases = [
        NewCase(
            "list_update",
            "block",
            "list update: a linked address is now listed",
            {"address": str(value), "entities": named[address_key(str(value))]},
            subject_id=str(subject),
        )
        for value, subject in rows
        if address_key(str(value)) in named
    ]
    return cases, len(rows)
