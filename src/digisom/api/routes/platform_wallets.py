"""/v1/wallets and /v1/payments: banks open and serve their customers' wallets and pay from them.

A refused payment (limit, balance, closed wallet) is 409 with the reason; bad input is 400 or 422;
a key that may not touch the wallet is 403. Every payment needs an `Idempotency-Key` header.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path
from pydantic import BaseModel, ConfigDict, Field

from digisom.api.deps import LedgerDep
from digisom.api.routes.platform_deps import Tyiyn, allowed, caller, refused_as_409
from digisom.platform import db, idempotency, taxes, wallets
from digisom.platform.access import Caller, PlatformScope, check_wallet
from digisom.platform.accounts import TransferCode
from digisom.platform.errors import Refused
from digisom.platform.payments import Payee, Receipt, pay
from digisom.platform.records import Wallet

router = APIRouter(tags=["wallets and payments"])

BankCaller = Annotated[Caller, Depends(caller(PlatformScope.WALLETS))]
PayingCaller = Annotated[Caller, Depends(caller(PlatformScope.PAYMENTS))]
Reader = Annotated[Caller, Depends(caller(PlatformScope.READ))]
WalletId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WalletIn(Strict):
    wallet_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["w-000001"])
    owner_id: str = Field(max_length=64, examples=["citizen-000001"])
    tier: str = Field(max_length=20, examples=["tier1"])
    linked_reference: str | None = Field(None, max_length=64, examples=["KG12BANK0001"])


class WalletOut(BaseModel):
    wallet_id: str
    owner_id: str
    bank_id: str
    tier: str
    status: str
    linked: bool
    balance: str
    holding_headroom: str
    daily_out_remaining: str
    monthly_out_remaining: str


class TierIn(Strict):
    tier: str = Field(max_length=20, examples=["tier2"])


class CloseIn(Strict):
    to_wallet_id: str | None = Field(None, max_length=64)


class PaymentIn(Strict):
    payer_wallet_id: str = Field(max_length=64, examples=["w-000001"])
    payee_wallet_id: str = Field(max_length=64, examples=["w-shop-01"])
    amount: Tyiyn = Field(examples=["150000"])
    kind: str = Field("p2p", pattern=r"^(p2p|merchant)$")


class TaxIn(Strict):
    payer_wallet_id: str = Field(max_length=64)
    treasury_id: str = Field(max_length=64, examples=["treasury"])
    amount: Tyiyn = Field(examples=["120000"])
    budget_code: str = Field(pattern=r"^[1-9][0-9]{7}$", examples=["11111100"])
    reference: str = Field(pattern=r"^[A-Za-z0-9/_.-]{1,64}$", examples=["NOTICE-2026-0001"])
    fee: bool = False


class ReceiptOut(BaseModel):
    transfer_id: str
    amount: str
    pulled_from_bank: str
    swept_to_bank: str

    @classmethod
    def of(cls, r: Receipt) -> "ReceiptOut":
        return cls(
            transfer_id=str(r.transfer_id),
            amount=str(r.amount),
            pulled_from_bank=str(r.pulled_from_bank),
            swept_to_bank=str(r.swept_to_bank),
        )


def _out(ledger: LedgerDep, wallet_id: str) -> WalletOut:
    v = wallets.view(ledger, wallet_id)
    w = v.wallet
    return WalletOut(
        wallet_id=w.id,
        owner_id=w.owner_id,
        bank_id=w.bank_id,
        tier=w.tier,
        status=w.status.value,
        linked=w.linked,
        balance=str(v.balance),
        holding_headroom=str(v.holding_headroom),
        daily_out_remaining=str(v.daily_out_remaining),
        monthly_out_remaining=str(v.monthly_out_remaining),
    )


@router.post("/v1/wallets", status_code=201)
def open_wallet(ledger: LedgerDep, who: BankCaller, body: WalletIn) -> WalletOut:
    """Open a wallet for one of the calling bank's customers (idempotent on `wallet_id`)."""
    spec = wallets.WalletSpec(body.wallet_id, body.owner_id, body.tier, body.linked_reference)
    wallets.open_wallets(ledger, who.participant_id or "", [spec])
    return _out(ledger, body.wallet_id)


AnyCaller = Annotated[Caller, Depends(caller(None))]


def _wallet_for(ledger: LedgerDep, who: Caller, wallet_id: str, *, moving: bool) -> Wallet:
    wallet = db.get_wallet(ledger.store, wallet_id)
    allowed(lambda: check_wallet(who, wallet, moving=moving))
    return wallet


@router.get("/v1/wallets/{wallet_id}")
def get_wallet(ledger: LedgerDep, who: AnyCaller, wallet_id: WalletId) -> WalletOut:
    """Balance and remaining limits, read from the ledger (the serving bank and readers)."""
    _wallet_for(ledger, who, wallet_id, moving=False)
    return _out(ledger, wallet_id)


@router.post("/v1/wallets/{wallet_id}/upgrade")
def upgrade_wallet(
    ledger: LedgerDep, who: BankCaller, wallet_id: WalletId, body: TierIn
) -> WalletOut:
    """Move the wallet to a higher tier once the bank has verified the holder further."""
    _wallet_for(ledger, who, wallet_id, moving=True)
    try:
        wallets.upgrade(ledger, wallet_id, body.tier)
    except Refused as error:
        raise refused_as_409(error) from None
    return _out(ledger, wallet_id)


@router.post("/v1/wallets/{wallet_id}/close")
def close_wallet(
    ledger: LedgerDep, who: BankCaller, wallet_id: WalletId, body: CloseIn
) -> WalletOut:
    """Sweep the balance to the linked bank account (or `to_wallet_id`) and close the wallet."""
    _wallet_for(ledger, who, wallet_id, moving=True)
    try:
        wallets.close(ledger, wallet_id, body.to_wallet_id)
    except Refused as error:
        raise refused_as_409(error) from None
    return _out(ledger, wallet_id)


_PAYMENT_EXAMPLE = {
    "payer_wallet_id": "w-000001",
    "payee_wallet_id": "w-shop-01",
    "amount": "150000",
    "kind": "merchant",
}


@router.post("/v1/payments")
def create_payment(
    ledger: LedgerDep,
    who: PayingCaller,
    key: IdempotencyKey,
    body: Annotated[PaymentIn, Body(examples=[_PAYMENT_EXAMPLE])],
) -> ReceiptOut:
    """Pay from a wallet the calling bank serves to any open wallet, exactly once per key."""
    payer = _wallet_for(ledger, who, body.payer_wallet_id, moving=True)
    payer = wallets.open_wallet(ledger, payer.id)
    payee = wallets.open_wallet(ledger, body.payee_wallet_id)
    caller_id = who.participant_id or who.role.value
    idempotency.claim(ledger.store, caller_id, key, body.model_dump())
    code = TransferCode.MERCHANT if body.kind == "merchant" else TransferCode.P2P
    op = str(idempotency.request_hash({"caller": caller_id, "key": key}).hex())
    try:
        receipt = pay(ledger, op, payer, Payee(payee.account_id, payee), int(body.amount), code)
    except Refused as error:
        raise refused_as_409(error) from None
    return ReceiptOut.of(receipt)


@router.post("/v1/taxes")
def pay_tax(ledger: LedgerDep, who: PayingCaller, body: TaxIn) -> ReceiptOut:
    """Pay a tax or fee from a wallet to the Treasury; the receipt names the ledger transfer.
    The payer's reference (the notice number) makes the payment idempotent."""
    payer = _wallet_for(ledger, who, body.payer_wallet_id, moving=True)
    payer = wallets.open_wallet(ledger, payer.id)
    try:
        receipt = taxes.pay_tax(
            ledger,
            body.reference,
            payer,
            body.treasury_id,
            int(body.amount),
            body.budget_code,
            fee=body.fee,
        )
    except Refused as error:
        raise refused_as_409(error) from None
    return ReceiptOut.of(receipt)
