"""/v1/compliance: screening, the KYC vault with audited reads, cases, freezes and seizures.

Handlers only translate: every rule (purposes, retention, audit, both-layer freezes) lives in
`digisom.compliance`; the caller's agency comes from its key binding.
"""

import time
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status

from digisom.api.deps import LedgerDep
from digisom.api.routes.compliance_deps import KeysDep, accessor, bound_caller
from digisom.api.routes.compliance_schemas import (
    BasisIn,
    CaseOut,
    CitizenKeyIn,
    DecisionIn,
    FreezeActionIn,
    FreezeIn,
    FreezeOut,
    KeyOut,
    LinkIn,
    OfficerKeyIn,
    RecordOut,
    ReportIn,
    ScreenIn,
    ScreenOut,
    SeizeIn,
    SubjectIn,
    SubjectOut,
    TransfersIn,
)
from digisom.api.schemas import TransferOut
from digisom.audit.log import AuditEvent
from digisom.compliance import access, cases, freeze, keys, listdb, onboarding, report
from digisom.compliance.cases import Case
from digisom.compliance.chain_config import ChainSide, chain_side_from_env
from digisom.compliance.keys import BoundCaller
from digisom.compliance.kyc import vault
from digisom.compliance.kyc.policy import AccessDenied
from digisom.compliance.kyc.vault import Basis
from digisom.compliance.limits import CASES_PAGE_MAX, REPORT_TRANSFERS_MAX
from digisom.compliance.screening.screen import Screener
from digisom.errors import DigisomError, InvalidInput
from digisom.keys import Scope
from digisom.storage.base import LedgerStore

router = APIRouter(prefix="/v1/compliance", tags=["compliance"])

Screening = Annotated[BoundCaller, Depends(bound_caller(Scope.COMPLIANCE_SCREEN))]
KycWriter = Annotated[BoundCaller, Depends(bound_caller(Scope.KYC_WRITE))]
KycReader = Annotated[BoundCaller, Depends(bound_caller(Scope.KYC_READ))]
CaseOfficer = Annotated[BoundCaller, Depends(bound_caller(Scope.COMPLIANCE_CASES))]
Freezer = Annotated[BoundCaller, Depends(bound_caller(Scope.COMPLIANCE_FREEZE))]
Admin = Annotated[BoundCaller, Depends(bound_caller(Scope.ADMIN))]
SubjectId = Annotated[str, Path(max_length=64)]

SCREENING_BASIS = Basis("sanctions_screening", "AML/CFT law: sanctions screening (FATF R.6)")
ONBOARDING_PURPOSE = "onboarding"


def _screener(request: Request, store: LedgerStore) -> tuple[Screener, list[dict[str, object]]]:
    """The screener over the newest stored version of each list. Which versions are newest is a
    cheap query; the entries are read and indexed again only when a version changed."""
    stored = listdb.status(store)
    if not stored:
        raise InvalidInput("no sanctions list is loaded: digisom compliance lists load PATH")
    tag = tuple((v.source, v.sha256) for v in stored)
    cached = getattr(request.app.state, "compliance_screener", None)
    if cached is None or cached[0] != tag:
        versions = [listdb.version(store, v.id) for v in stored]
        cached = (tag, Screener(versions))
        request.app.state.compliance_screener = cached
    lists: list[dict[str, object]] = [
        {"source": v.source, "sha256": v.sha256, "entries": v.entry_count} for v in stored
    ]
    return cached[1], lists


@router.post("/screen")
def screen(request: Request, ledger: LedgerDep, caller: Screening, body: ScreenIn) -> ScreenOut:
    """Screen a name (with date of birth and country as qualifiers); every hit explains itself."""
    screener, lists = _screener(request, ledger.store)
    hits = screener.screen(body.names, body.dob, body.country, body.threshold)
    with ledger.store.write_transaction():
        vault.audit(
            ledger.store, accessor(caller), "screen", None, SCREENING_BASIS, {"hits": len(hits)}
        )
    return ScreenOut(lists=lists, hits=[h.explain() for h in hits])


@router.post("/subjects", status_code=201)
def onboard(
    request: Request, ledger: LedgerDep, caller: KycWriter, keys_: KeysDep, body: SubjectIn
) -> SubjectOut:
    """Store a person in the encrypted vault and screen them: pass, review or block (a case)."""
    screener, _ = _screener(request, ledger.store)
    why = Basis(ONBOARDING_PURPOSE, body.legal_basis)
    subject = vault.register(
        ledger.store, keys_, body.record(), body.retention_class, accessor(caller), why
    )
    result = onboarding.screen_subject(ledger.store, keys_, screener, subject)
    return SubjectOut(
        subject_id=subject,
        screening=result.outcome,
        case_id=result.case_id,
        hits=[h.explain() for h in result.hits],
    )


@router.post("/subjects/{subject_id}/links", status_code=204)
def link(ledger: LedgerDep, caller: KycWriter, subject_id: SubjectId, body: LinkIn) -> None:
    """Link a ledger account or an on-chain address to a subject (pseudonymously)."""
    why = Basis(ONBOARDING_PURPOSE, body.legal_basis)
    vault.link(ledger.store, subject_id, body.kind, body.value, accessor(caller), why)


@router.post("/subjects/{subject_id}/end-relationship", status_code=204)
def end_relationship(
    ledger: LedgerDep, caller: KycWriter, subject_id: SubjectId, body: FreezeActionIn
) -> None:
    """The customer left: the retention period of their record starts now."""
    why = Basis("retention", body.legal_basis)
    vault.end_relationship(ledger.store, subject_id, time.time_ns(), accessor(caller), why)


@router.post("/subjects/{subject_id}/erase", status_code=204)
def erase(
    ledger: LedgerDep, caller: KycWriter, subject_id: SubjectId, body: FreezeActionIn
) -> None:
    """Erase (crypto-shred) a record whose retention ran out; otherwise 400 with the reason."""
    vault.erase(ledger.store, subject_id, accessor(caller), Basis("erasure", body.legal_basis))


@router.post("/subjects/{subject_id}/read")
def read_subject(
    ledger: LedgerDep, caller: KycReader, keys_: KeysDep, subject_id: SubjectId, body: BasisIn
) -> RecordOut:
    """Personal data, with a stated purpose and legal basis; the read is in the person's log."""
    try:
        record = vault.read_record(
            ledger.store,
            keys_,
            subject_id,
            accessor(caller),
            Basis(body.purpose, body.legal_basis),
        )
    except AccessDenied as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, error.message) from error
    return RecordOut(subject_id=subject_id, **asdict(record))


@router.post("/subjects/{subject_id}/transfers")
def subject_transfers(
    ledger: LedgerDep, caller: KycReader, subject_id: SubjectId, body: TransfersIn
) -> list[TransferOut]:
    """A named person's transfers (every linked account), logged like a read of their data."""
    try:
        found = access.subject_transfers(
            ledger.store,
            subject_id,
            accessor(caller),
            Basis(body.purpose, body.legal_basis),
            int(body.after),
            body.limit,
        )
    except AccessDenied as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, error.message) from error
    return [TransferOut.of(t) for t in found]


def _case_out(case: Case) -> CaseOut:
    account = None if case.account_id is None else str(case.account_id)
    return CaseOut(
        id=case.id,
        kind=case.kind,
        subject_id=case.subject_id,
        account_id=account,
        status=case.status,
        outcome=case.outcome,
        summary=case.summary,
        details=case.details,
        opened_at_ns=case.opened_at_ns,
        decided_at_ns=case.decided_at_ns,
        decided_by=case.decided_by,
        decision_basis=case.decision_basis,
    )


@router.get("/cases")
def list_cases(
    ledger: LedgerDep,
    caller: CaseOfficer,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(open|cleared|frozen|reported)$")
    ] = None,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=CASES_PAGE_MAX)] = 50,
) -> list[CaseOut]:
    return [_case_out(c) for c in cases.list_cases(ledger.store, status_, after, limit)]


@router.post("/cases/{case_id}/decision")
def decide(
    ledger: LedgerDep, caller: CaseOfficer, case_id: Annotated[int, Path(ge=1)], body: DecisionIn
) -> CaseOut:
    """Clear or report a case (freezing goes through /freezes, which also closes the case)."""
    who = accessor(caller)
    event = AuditEvent(
        who.actor,
        who.role,
        who.agency,
        f"case.{body.decision}",
        cases.get_case(ledger.store, case_id).subject_id,
        "case_decision",
        body.legal_basis,
        {"case": case_id},
    )
    return _case_out(cases.decide(ledger.store, case_id, body.decision, event))


@router.post("/cases/{case_id}/report")
def str_report(
    ledger: LedgerDep,
    caller: KycReader,
    keys_: KeysDep,
    case_id: Annotated[int, Path(ge=1)],
    body: ReportIn,
) -> Response:
    """A suspicious-transaction report for the FIU as a JSON or XML file; reading the person's
    data and transactions for it is logged like any other read."""
    who, why = accessor(caller), Basis(body.purpose, body.legal_basis)
    case = cases.get_case(ledger.store, case_id)
    record, transfers = None, []
    try:
        if case.subject_id is not None:
            record = vault.read_record(ledger.store, keys_, case.subject_id, who, why)
            transfers = access.subject_transfers(
                ledger.store, case.subject_id, who, why, 0, REPORT_TRANSFERS_MAX
            )
    except AccessDenied as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, error.message) from error
    if case.subject_id is None and case.account_id is not None:
        transfers = ledger.store.account_transfers(case.account_id, 0, REPORT_TRANSFERS_MAX)
    built = report.build_report(
        case, case.subject_id, record, transfers, who.agency, body.legal_basis, time.time_ns()
    )
    if body.format == "xml":
        content, media = report.to_xml(built), "application/xml"
    else:
        content, media = report.to_json(built), "application/json"
    name = f"STR-{case_id}.{body.format}"
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _freeze_out(found: freeze.Freeze) -> FreezeOut:
    return FreezeOut(
        id=found.id,
        subject_id=found.subject_id,
        status=found.status,
        legal_basis=found.legal_basis,
        accounts=found.accounts,
        addresses=found.addresses,
    )


def _chain_side(request: Request) -> ChainSide | None:
    """The chain side from the environment, read once per app (see compliance.chain_config)."""
    state = request.app.state
    if not hasattr(state, "compliance_chain"):
        try:
            state.compliance_chain = chain_side_from_env()
        except DigisomError as error:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, error.message) from error
    found: ChainSide | None = state.compliance_chain
    return found


def _chain(request: Request) -> freeze.ChainFreezer | None:
    side = _chain_side(request)
    return None if side is None else side.freezer


@router.post("/freezes", status_code=201)
def freeze_subject(
    request: Request, ledger: LedgerDep, caller: Freezer, body: FreezeIn
) -> FreezeOut:
    """Freeze a subject's accounts and addresses at once, under a stated legal basis."""
    who, why = accessor(caller), Basis("freeze", body.legal_basis)
    if body.case_id is not None and cases.get_case(ledger.store, body.case_id).status != "open":
        raise InvalidInput(f"case {body.case_id} is not open")
    found = freeze.freeze(ledger, _chain(request), body.subject_id, who, why)
    if body.case_id is not None:
        event = AuditEvent(
            who.actor,
            who.role,
            who.agency,
            "case.freeze",
            body.subject_id,
            "case_decision",
            body.legal_basis,
            {"case": body.case_id, "freeze": found.id},
        )
        cases.decide(ledger.store, body.case_id, "freeze", event)
    return _freeze_out(found)


@router.post("/freezes/{freeze_id}/unfreeze")
def unfreeze_subject(
    request: Request,
    ledger: LedgerDep,
    caller: Freezer,
    freeze_id: Annotated[int, Path(ge=1)],
    body: FreezeActionIn,
) -> FreezeOut:
    why = Basis("unfreeze", body.legal_basis)
    return _freeze_out(freeze.unfreeze(ledger, _chain(request), freeze_id, accessor(caller), why))


@router.post("/freezes/{freeze_id}/seize")
def seize_subject(
    request: Request,
    ledger: LedgerDep,
    caller: Freezer,
    freeze_id: Annotated[int, Path(ge=1)],
    body: SeizeIn,
) -> FreezeOut:
    """Move frozen funds to custody under a court order (ledger; chain when configured)."""
    side = _chain_side(request)
    custody_address = None if side is None else side.custody_address
    found = freeze.seize(
        ledger,
        _chain(request),
        freeze_id,
        int(body.custody_account_id),
        custody_address,
        accessor(caller),
        Basis("court_order", body.court_order),
    )
    return _freeze_out(found)


@router.post("/keys/officers", status_code=201)
def officer_key(ledger: LedgerDep, caller: Admin, body: OfficerKeyIn) -> KeyOut:
    """A compliance-officer key bound to an agency (admin only); shown once."""
    key = keys.create_officer_key(ledger.store, body.agency, body.label)
    with ledger.store.write_transaction():
        vault.audit(
            ledger.store,
            accessor(caller),
            "officer_key.create",
            None,
            Basis("administration", "platform key management"),
            {"agency": body.agency},
        )
    return KeyOut(key=key)


@router.post("/keys/citizens", status_code=201)
def citizen_key(ledger: LedgerDep, caller: KycWriter, body: CitizenKeyIn) -> KeyOut:
    """A citizen's key for their own access log, issued at onboarding; shown once."""
    key = keys.create_citizen_key(ledger.store, body.subject_id)
    with ledger.store.write_transaction():
        vault.audit(
            ledger.store,
            accessor(caller),
            "citizen_key.create",
            body.subject_id,
            Basis(ONBOARDING_PURPOSE, "data subject's right of access"),
        )
    return KeyOut(key=key)
