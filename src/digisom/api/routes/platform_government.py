"""/v1/issuance, /v1/disbursements and /v1/collections: the central bank's issuance, the
Treasury's and agencies' payouts and revenue."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from digisom.api.deps import LedgerDep, LedgerPool
from digisom.api.routes import platform_programmes
from digisom.api.routes.platform_deps import Tyiyn, allowed, caller, refused_as_409
from digisom.errors import InvalidInput
from digisom.platform import disbursements, issuance, taxes
from digisom.platform.access import Caller, PlatformScope, check_government
from digisom.platform.disbursements import FILE_BYTES_MAX, Progress, RowStatus
from digisom.platform.errors import Refused

router = APIRouter(tags=["issuance and government"])
router.include_router(platform_programmes.router)  # participants, subsidies, payment requests

Issuer = Annotated[Caller, Depends(caller(PlatformScope.ISSUE))]
Reader = Annotated[Caller, Depends(caller(PlatformScope.READ))]
Government = Annotated[Caller, Depends(caller(PlatformScope.GOVERNMENT))]
AnyCaller = Annotated[Caller, Depends(caller(None))]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=100)]
DisbursementId = Annotated[str, Path(pattern=r"^d-[0-9a-f]{40}$")]


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    participant_id: str = Field(max_length=64, examples=["bank-ayil"])
    amount: Tyiyn = Field(examples=["100000000"])


class IssuanceOut(BaseModel):
    ok: bool
    issued: str
    circulation: str
    problems: list[str]


class ProgressOut(BaseModel):
    disbursement_id: str
    payer_id: str
    purpose: str
    rows: int
    waiting: int
    paid: int
    invalid: int
    refused: int
    paid_amount: str
    done: bool

    @classmethod
    def of(cls, p: Progress) -> "ProgressOut":
        return cls(
            disbursement_id=p.disbursement_id,
            payer_id=p.payer_id,
            purpose=p.purpose,
            rows=p.rows,
            waiting=p.waiting,
            paid=p.paid,
            invalid=p.invalid,
            refused=p.refused,
            paid_amount=str(p.paid_amount),
            done=p.done,
        )


class RowOut(BaseModel):
    line: int
    wallet_id: str | None
    amount: str
    reference: str
    reason: str


class CollectionOut(BaseModel):
    budget_code: int
    day: str
    count: int
    amount: str


@router.post("/v1/issuance/issue")
def issue(ledger: LedgerDep, _: Issuer, key: IdempotencyKey, body: IssueIn) -> list[str]:
    """Issue digital som to a bank or the Treasury against its reserve (ids of both legs)."""
    try:
        ids = issuance.issue(ledger, body.participant_id, int(body.amount), key)
    except Refused as error:
        raise refused_as_409(error) from None
    return [str(i) for i in ids]


@router.post("/v1/issuance/redeem")
def redeem(ledger: LedgerDep, _: Issuer, key: IdempotencyKey, body: IssueIn) -> list[str]:
    """Redeem digital som back into the participant's reserve account."""
    try:
        ids = issuance.redeem(ledger, body.participant_id, int(body.amount), key)
    except Refused as error:
        raise refused_as_409(error) from None
    return [str(i) for i in ids]


@router.get("/v1/issuance/check")
def check(ledger: LedgerDep, _: Reader) -> IssuanceOut:
    """Digital som in circulation against the central bank's issuance liability."""
    report = issuance.check_issuance(ledger.store)
    return IssuanceOut(
        ok=report.ok,
        issued=str(report.issued_posted),
        circulation=str(report.circulation_posted),
        problems=report.problems,
    )


@router.post("/v1/disbursements", status_code=201)
async def upload(
    request: Request,
    who: Government,
    payer_id: Annotated[str, Query(max_length=64)],
    purpose: Annotated[str, Query(pattern=r"^(payroll|pension|benefit)$")],
    file_name: Annotated[str, Query(max_length=200)] = "upload.csv",
) -> ProgressOut:
    """Upload a CSV or JSON file as the request body; rows are judged now, paid by `/run`.
    Uploading the same file again returns the same disbursement."""
    allowed(lambda: check_government(who, payer_id))
    content = await request.body()
    if len(content) > FILE_BYTES_MAX:
        raise InvalidInput(f"file over {FILE_BYTES_MAX} bytes")
    pool: LedgerPool = request.app.state.ledgers

    def work() -> Progress:
        # On a worker thread with that thread's own connection, off the event loop.
        return disbursements.upload(pool.get(), payer_id, purpose, file_name, content)[0]

    return ProgressOut.of(await asyncio.to_thread(work))


def _own(ledger: LedgerDep, who: Caller, disbursement_id: str) -> Progress:
    progress = disbursements.progress(ledger.store, disbursement_id)
    allowed(lambda: check_government(who, progress.payer_id))
    return progress


@router.post("/v1/disbursements/{disbursement_id}/run")
def run(ledger: LedgerDep, who: Government, disbursement_id: DisbursementId) -> ProgressOut:
    """Pay every waiting row, in ledger batches; safe to call again after any interruption."""
    _own(ledger, who, disbursement_id)
    return ProgressOut.of(disbursements.run(ledger, disbursement_id))


@router.get("/v1/disbursements/{disbursement_id}")
def progress(ledger: LedgerDep, who: AnyCaller, disbursement_id: DisbursementId) -> ProgressOut:
    """How many rows wait, were paid, were invalid or refused."""
    return ProgressOut.of(_own(ledger, who, disbursement_id))


@router.get("/v1/disbursements/{disbursement_id}/rows")
def bad_rows(
    ledger: LedgerDep,
    who: AnyCaller,
    disbursement_id: DisbursementId,
    status: Annotated[str, Query(pattern=r"^(invalid|refused)$")] = "invalid",
    limit: Annotated[int, Query(ge=1, le=8190)] = 100,
) -> list[RowOut]:
    """The rows that were not paid, each with its reason."""
    _own(ledger, who, disbursement_id)
    code = RowStatus.INVALID if status == "invalid" else RowStatus.REFUSED
    return [
        RowOut(
            line=r.line,
            wallet_id=r.wallet_id,
            amount=str(r.amount),
            reference=r.reference,
            reason=r.reason,
        )
        for r in disbursements.rows(ledger.store, disbursement_id, code, limit)
    ]


@router.get("/v1/collections/{treasury_id}")
def collections(
    ledger: LedgerDep, who: AnyCaller, treasury_id: Annotated[str, Path(max_length=64)]
) -> list[CollectionOut]:
    """Taxes and fees collected, by budget classification code and UTC day."""
    allowed(lambda: check_government(who, treasury_id))
    return [
        CollectionOut(budget_code=c.budget_code, day=c.day, count=c.count, amount=str(c.amount))
        for c in taxes.collections(ledger.store, treasury_id)
    ]
