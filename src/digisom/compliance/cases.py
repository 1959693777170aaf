"""Cases: every screening hit, list-update hit and monitoring alert an officer must decide.

A case names its subject and account only by pseudonymous ids. An officer's decision (clear,
freeze, report) states its legal basis and is written to the audit log in the same transaction;
a decided case is never reopened or edited, a new case is opened instead.
"""

import json
import time
from dataclasses import dataclass
from typing import Any

from digisom.audit.log import AuditEvent, append_in_transaction
from digisom.compliance.limits import CASE_SUMMARY_CHARS_MAX, CASES_PAGE_MAX
from digisom.errors import InvalidInput, NotFound, invariant
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16

KINDS = ("screening", "list_update", "monitoring", "manual")
OUTCOMES = ("review", "block", "alert")
DECISIONS = {"clear": "cleared", "freeze": "frozen", "report": "reported"}
_COLUMNS = (
    "id, kind, subject_id, account_id, status, outcome, summary, details, opened_at_ns, "
    "decided_at_ns, decided_by, decision_basis"
)


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    kind: str
    subject_id: str | None
    account_id: int | None
    status: str
    """open, cleared, frozen or reported."""
    outcome: str
    """What opened it: review or block (screening), alert or block (monitoring)."""
    summary: str
    details: dict[str, Any]
    opened_at_ns: int
    decided_at_ns: int | None
    decided_by: str | None
    decision_basis: str | None


@dataclass(frozen=True, slots=True)
class NewCase:
    kind: str
    outcome: str
    summary: str
    details: dict[str, Any]
    subject_id: str | None = None
    account_id: int | None = None


def open_cases_in_transaction(store: LedgerStore, cases: list[NewCase]) -> int:
    """Insert cases inside the caller's write transaction; return how many."""
    now = time.time_ns()
    rows = []
    for c in cases:
        invariant(c.kind in KINDS, f"case kind {c.kind}")
        invariant(c.outcome in OUTCOMES, f"case outcome {c.outcome}")
        rows.append(
            (
                c.kind,
                c.subject_id,
                None if c.account_id is None else b16(c.account_id),
                c.outcome,
                c.summary[:CASE_SUMMARY_CHARS_MAX],
                json.dumps(c.details, sort_keys=True, ensure_ascii=False),
                now,
            )
        )
    p = store.p
    if rows:
        store._execute_many(
            "INSERT INTO compliance_cases (kind, subject_id, account_id, status, outcome, summary, "
            f"details, opened_at_ns) VALUES ({p}, {p}, {p}, 'open', {p}, {p}, {p}, {p})",
            rows,
        )
    return len(rows)


def open_case(store: LedgerStore, case: NewCase) -> int:
    """Open one case in its own transaction; return its id."""
    with store.write_transaction():
        open_cases_in_transaction(store, [case])
        rows = store._query("SELECT MAX(id) FROM compliance_cases")
    return int(rows[0][0])


def _case(row: Any) -> Case:
    account = None if row[3] is None else int.from_bytes(bytes(row[3]), "big")
    return Case(
        int(row[0]),
        row[1],
        row[2],
        account,
        row[4],
        row[5],
        row[6],
        json.loads(row[7]),
        int(row[8]),
        row[9],
        row[10],
        row[11],
    )


def get_case(store: LedgerStore, case_id: int) -> Case:
    rows = store._query(f"SELECT {_COLUMNS} FROM compliance_cases WHERE id = {store.p}", (case_id,))
    if not rows:
        raise NotFound(f"case {case_id} not found")
    return _case(rows[0])


def list_cases(store: LedgerStore, status: str | None, after_id: int, limit: int) -> list[Case]:
    invariant(0 < limit <= CASES_PAGE_MAX, "page size within limits")
    p = store.p
    where, params = f"id > {p}", [after_id]
    if status is not None:
        where += f" AND status = {p}"
        params.append(status)  # type: ignore[arg-type]
    rows = store._query(
        f"SELECT {_COLUMNS} FROM compliance_cases WHERE {where} ORDER BY id LIMIT {p}",
        (*params, limit),
    )
    return [_case(r) for r in rows]


def decide(store: LedgerStore, case_id: int, decision: str, event: AuditEvent) -> Case:
    """Close an open case with `decision`; the audit entry commits with it."""
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(DECISIONS)}")
    p = store.p
    with store.write_transaction():
        case = get_case(store, case_id)
        if case.status != "open":
            raise InvalidInput(f"case {case_id} was already decided ({case.status})")
        changed = store._execute(
            "UPDATE compliance_cases SET status = "
            f"{p}, decided_at_ns = {p}, decided_by = {p}, decision_basis = {p} "
            f"WHERE id = {p} AND status = 'open'",
            (DECISIONS[decision], time.time_ns(), event.actor, event.legal_basis, case_id),
        )
        invariant(changed == 1, "exactly one open case decided")
        append_in_transaction(store, event)
    return get_case(store, case_id)
