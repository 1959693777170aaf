"""/v1/participants, /v1/subsidies and /v1/payment-requests: registering participants (central
bank and admin only), purpose-bound subsidy programmes, and merchant payment requests (QR).

Included by `platform_government.router`, so the app needs no change to serve them. Every
money-moving route takes an `Idempotency-Key`; a refusal by the rules is 409 with the reason.
"""

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from digisom.api.deps import LedgerDep
from digisom.api.routes.platform_deps import Tyiyn, allowed, caller, refused_as_409
from digisom.platform import db, idempotency, participants, payment_requests, subsidies, wallets
from digisom.platform.access import (
    Caller,
    PlatformRole,
    PlatformScope,
    check_government,
    check_wallet,
)
from digisom.platform.errors import Refused
from digisom.platform.payments import Receipt
from digisom.platform.records import Kind, Participant

router = APIRouter(tags=["participants, subsidies and payment requests"])

AnyCaller = Annotated[Caller, Depends(caller(None))]
Government = Annotated[Caller, Depends(caller(PlatformScope.GOVERNMENT))]
BankCaller = Annotated[Caller, Depends(caller(PlatformScope.WALLETS))]
PayingCaller = Annotated[Caller, Depends(caller(PlatformScope.PAYMENTS))]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=100)]
ProgrammeId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
RequestId = Annotated[str, Path(pattern=r"^pr-[0-9a-f]{32}$")]
REGISTRARS = frozenset({PlatformRole.CENTRAL_BANK, PlatformRole.ADMIN})
"""Who may register participants: the central bank runs the system; admin operates it."""


def now_ns() -> int:
    """The clock of subsidy expiry; a dependency so that tests can move time forward."""
    return time.time_ns()


Clock = Annotated[int, Depends(now_ns)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParticipantIn(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["citizen-000042"])
    kind: Kind
    name: str = Field(min_length=1, max_length=200)
    bank_id: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=40)
    national_id: str | None = Field(None, pattern=r"^[0-9]{14}$")


class ParticipantOut(BaseModel):
    id: str
    kind: str
    name: str
    bank_id: str | None
    category: str | None
    created: bool


class ProgrammeIn(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["school-supplies-2026"])
    payer_id: str = Field(max_length=64, examples=["ministry-education"])
    categories: list[str] = Field(min_length=1, max_length=subsidies.CATEGORIES_MAX)
    expires_at_ns: int = Field(gt=0, lt=2**63)
    budget: Tyiyn


class ProgrammeOut(BaseModel):
    id: str
    payer_id: str
    categories: list[str]
    expires_at_ns: int
    pool_balance: str
    grants: int


class GrantIn(Strict):
    wallet_id: str = Field(max_length=64)
    amount: Tyiyn


class GrantsIn(Strict):
    grants: list[GrantIn] = Field(min_length=1, max_length=subsidies.GRANTS_PER_REQUEST_MAX)


class SpendIn(Strict):
    wallet_id: str = Field(max_length=64)
    merchant_wallet_id: str = Field(max_length=64)
    amount: Tyiyn


class ClawbackOut(BaseModel):
    transfers: int
    amount: str


class ReceiptOut(BaseModel):
    transfer_id: str
    amount: str

    @classmethod
    def of(cls, r: Receipt) -> "ReceiptOut":
        return cls(transfer_id=str(r.transfer_id), amount=str(r.amount))


class PaymentRequestIn(Strict):
    merchant_wallet_id: str = Field(max_length=64, examples=["w-shop"])
    amount: Tyiyn
    reference: str = Field(pattern=r"^[A-Za-z0-9/_.-]{1,64}$", examples=["INV-2026-0001"])


class PaymentRequestOut(BaseModel):
    request_id: str
    merchant_wallet_id: str
    amount: str
    reference: str
    payload: str
    """The text to put in the QR code."""
    paid: bool
    paid_transfer_id: str | None


class PayRequestIn(Strict):
    payload: str = Field(max_length=payment_requests.PAYLOAD_LENGTH_MAX)
    payer_wallet_id: str = Field(max_length=64)


@router.post("/v1/participants", status_code=201)
def register(ledger: LedgerDep, who: AnyCaller, body: ParticipantIn) -> ParticipantOut:
    """Register a participant with its ledger accounts (central bank and admin keys only);
    registering the same participant again is a success that creates nothing."""
    if who.role not in REGISTRARS:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"the {who.role.value} role cannot register participants"
        )
    participant = Participant(body.id, body.kind, body.name, body.bank_id, body.category)
    created = participants.register(ledger, participant, body.national_id)
    return ParticipantOut(
        id=participant.id,
        kind=participant.kind.value,
        name=participant.name,
        bank_id=participant.bank_id,
        category=participant.category,
        created=created,
    )


def _programme_out(ledger: LedgerDep, programme_id: str) -> ProgrammeOut:
    v = subsidies.view(ledger, programme_id)
    return ProgrammeOut(
        id=v.programme.id,
        payer_id=v.programme.payer_id,
        categories=list(v.programme.categories),
        expires_at_ns=v.programme.expires_at_ns,
        pool_balance=str(v.pool_balance),
        grants=v.grants,
    )


@router.post("/v1/subsidies", status_code=201)
def create_programme(
    ledger: LedgerDep, who: Government, key: IdempotencyKey, clock: Clock, body: ProgrammeIn
) -> ProgrammeOut:
    """Open a purpose-bound programme and fund its pool from the payer's operating account."""
    allowed(lambda: check_government(who, body.payer_id))
    idempotency.claim(ledger.store, who.participant_id or who.role.value, key, body.model_dump())
    programme = subsidies.Programme(
        body.id, body.payer_id, tuple(body.categories), body.expires_at_ns
    )
    try:
        subsidies.create_programme(ledger, programme, int(body.budget), clock)
    except Refused as error:
        raise refused_as_409(error) from None
    return _programme_out(ledger, body.id)


def _own_programme(ledger: LedgerDep, who: Caller, programme_id: str) -> subsidies.Programme:
    programme = subsidies.get_programme(ledger.store, programme_id)
    allowed(lambda: check_government(who, programme.payer_id))
    return programme


@router.post("/v1/subsidies/{programme_id}/grants")
def grant(
    ledger: LedgerDep,
    who: Government,
    key: IdempotencyKey,
    clock: Clock,
    programme_id: ProgrammeId,
    body: GrantsIn,
) -> ProgrammeOut:
    """Credit grants from the pool, all or nothing; one grant per wallet and programme."""
    _own_programme(ledger, who, programme_id)
    idempotency.claim(
        ledger.store,
        who.participant_id or who.role.value,
        key,
        {"p": programme_id, **body.model_dump()},
    )
    try:
        subsidies.grant(
            ledger, programme_id, [(g.wallet_id, int(g.amount)) for g in body.grants], clock
        )
    except Refused as error:
        raise refused_as_409(error) from None
    return _programme_out(ledger, programme_id)


@router.post("/v1/subsidies/{programme_id}/spend")
def spend(
    ledger: LedgerDep,
    who: PayingCaller,
    key: IdempotencyKey,
    clock: Clock,
    programme_id: ProgrammeId,
    body: SpendIn,
) -> ReceiptOut:
    """Pay a merchant of an allowed category from the wallet's grant (the wallet's bank only)."""
    wallet = db.get_wallet(ledger.store, body.wallet_id)
    allowed(lambda: check_wallet(who, wallet, moving=True))
    wallet = wallets.open_wallet(ledger, wallet.id)
    caller_id = who.participant_id or who.role.value
    idempotency.claim(ledger.store, caller_id, key, {"p": programme_id, **body.model_dump()})
    op = idempotency.request_hash({"caller": caller_id, "key": key, "subsidy": True}).hex()
    try:
        receipt = subsidies.spend(
            ledger, op, programme_id, wallet, body.merchant_wallet_id, int(body.amount), clock
        )
    except Refused as error:
        raise refused_as_409(error) from None
    return ReceiptOut.of(receipt)


@router.get("/v1/subsidies/{programme_id}")
def get_programme(ledger: LedgerDep, who: AnyCaller, programme_id: ProgrammeId) -> ProgrammeOut:
    """The programme, its pool's balance and how many grants it made (owner and readers)."""
    programme = subsidies.get_programme(ledger.store, programme_id)
    if not who.sees_everything():
        allowed(lambda: check_government(who, programme.payer_id))
    return _programme_out(ledger, programme_id)


@router.post("/v1/subsidies/{programme_id}/clawback")
def clawback(
    ledger: LedgerDep, who: Government, clock: Clock, programme_id: ProgrammeId
) -> ClawbackOut:
    """Return the unspent rest of an expired programme now (the scheduled job does the same);
    moves nothing twice, so it needs no idempotency key."""
    _own_programme(ledger, who, programme_id)
    try:
        report = subsidies.clawback(ledger, clock, programme_id)
    except Refused as error:
        raise refused_as_409(error) from None
    return ClawbackOut(transfers=report.transfers, amount=str(report.amount))


def _request_out(s: payment_requests.RequestStatus) -> PaymentRequestOut:
    r = s.request
    return PaymentRequestOut(
        request_id=r.id,
        merchant_wallet_id=r.merchant_wallet_id,
        amount=str(r.amount),
        reference=r.reference,
        payload=s.payload,
        paid=s.paid_transfer_id is not None,
        paid_transfer_id=None if s.paid_transfer_id is None else str(s.paid_transfer_id),
    )


@router.post("/v1/payment-requests", status_code=201)
def create_request(ledger: LedgerDep, who: BankCaller, body: PaymentRequestIn) -> PaymentRequestOut:
    """A merchant's bank asks for an amount; the answer carries the QR payload. The same
    merchant and reference again returns the same request (it moves no money)."""
    merchant = db.get_wallet(ledger.store, body.merchant_wallet_id)
    allowed(lambda: check_wallet(who, merchant, moving=True))
    return _request_out(payment_requests.create(ledger, merchant, int(body.amount), body.reference))


@router.get("/v1/payment-requests/{request_id}")
def get_request(ledger: LedgerDep, _: AnyCaller, request_id: RequestId) -> PaymentRequestOut:
    """A request and whether it is paid (any platform key: a payer's bank must read it)."""
    return _request_out(payment_requests.status(ledger, request_id))


@router.post("/v1/payment-requests/pay")
def pay_request(
    ledger: LedgerDep, who: PayingCaller, key: IdempotencyKey, body: PayRequestIn
) -> ReceiptOut:
    """Pay a scanned payload from a wallet the calling bank serves. A request is paid once: a
    second payment is 409; repeating the same idempotency key returns the first receipt."""
    payer = db.get_wallet(ledger.store, body.payer_wallet_id)
    allowed(lambda: check_wallet(who, payer, moving=True))
    payer = wallets.open_wallet(ledger, payer.id)
    request = payment_requests.resolve(ledger.store, body.payload)
    new = idempotency.claim(
        ledger.store, who.participant_id or who.role.value, key, body.model_dump()
    )
    try:
        receipt = payment_requests.pay_request(ledger, request, payer, retry=not new)
    except Refused as error:
        raise refused_as_409(error) from None
    return ReceiptOut.of(receipt)
