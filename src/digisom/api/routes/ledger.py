"""/v1/ledger: batches of accounts and transfers, lookups, freezes and the journal head."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, status

from digisom.api.deps import LedgerDep, require
from digisom.api.schemas import (
    U128,
    AccountIn,
    AccountOut,
    BalanceOut,
    EventResult,
    FreezeIn,
    HeadOut,
    TransferIn,
    TransferOut,
    TransferPage,
)
from digisom.audit.log import AuditEvent, append_in_transaction
from digisom.errors import NotFound
from digisom.keys import OPERATOR_AGENCY, KeyHolder, Scope
from digisom.limits import BATCH_EVENTS_MAX, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])

Reader = Depends(require(Scope.LEDGER_READ))
Writer = Depends(require(Scope.LEDGER_WRITE))
Freezer = Annotated[KeyHolder, Depends(require(Scope.LEDGER_FREEZE))]
AccountId = Annotated[U128, Path(description="128-bit account id as a decimal string")]
Cursor = Annotated[U128, Query(description="Timestamp cursor from `next_after`")]

_ACCOUNT_EXAMPLE = [{"id": "1001", "ledger": 417, "code": 10, "flags": 2}]
_TRANSFER_EXAMPLE = [
    {
        "id": "5001",
        "debit_account_id": "1001",
        "credit_account_id": "1002",
        "amount": "150000",
        "ledger": 417,
        "code": 1,
    }
]


def _results(results: list[str]) -> list[EventResult]:
    return [EventResult(index=i, result=r) for i, r in enumerate(results)]


@router.post("/accounts", dependencies=[Writer], response_model=list[EventResult])
def create_accounts(
    ledger: LedgerDep,
    events: Annotated[
        list[AccountIn],
        Body(min_length=1, max_length=BATCH_EVENTS_MAX, examples=[_ACCOUNT_EXAMPLE]),
    ],
) -> list[EventResult]:
    """Create 1 to 8,190 accounts; one result per event, in input order (`ok`, `exists`, ...)."""
    return _results(ledger.create_accounts([e.to_model() for e in events]).results)


@router.post("/transfers", dependencies=[Writer], response_model=list[EventResult])
def create_transfers(
    ledger: LedgerDep,
    events: Annotated[
        list[TransferIn],
        Body(min_length=1, max_length=BATCH_EVENTS_MAX, examples=[_TRANSFER_EXAMPLE]),
    ],
) -> list[EventResult]:
    """Create 1 to 8,190 transfers, applied in order; linked events succeed or fail together."""
    return _results(ledger.create_transfers([e.to_model() for e in events]).results)


@router.get("/accounts/{account_id}", dependencies=[Reader])
def get_account(ledger: LedgerDep, account_id: AccountId) -> AccountOut:
    state = ledger.get_account(int(account_id))
    if state is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    return AccountOut.of(state)


@router.get("/transfers/{transfer_id}", dependencies=[Reader])
def get_transfer(
    ledger: LedgerDep, transfer_id: Annotated[U128, Path(description="Transfer id")]
) -> TransferOut:
    found = ledger.store.get_transfer(int(transfer_id))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"transfer {transfer_id} not found")
    pending = ledger.store.pending_status(found.id)
    return TransferOut.of(found, None if pending is None else pending.status.value)


@router.get("/accounts/{account_id}/transfers", dependencies=[Reader])
def account_transfers(
    ledger: LedgerDep,
    account_id: AccountId,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
    after: Cursor = "0",
) -> TransferPage:
    """Transfers debiting or crediting the account, in timestamp order, a page at a time."""
    if ledger.get_account(int(account_id)) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    page = ledger.store.account_transfers(int(account_id), int(after), limit)
    next_after = str(page[-1].timestamp) if len(page) == limit else None
    return TransferPage(transfers=[TransferOut.of(t) for t in page], next_after=next_after)


@router.get("/accounts/{account_id}/balances", dependencies=[Reader])
def account_balances(
    ledger: LedgerDep,
    account_id: AccountId,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
    after: Cursor = "0",
) -> list[BalanceOut]:
    """Balances after each transfer, for accounts created with the `history` flag."""
    if ledger.get_account(int(account_id)) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"account {account_id} not found")
    rows = ledger.store.account_history(int(account_id), int(after), limit)
    return [
        BalanceOut(
            timestamp=str(ts),
            debits_pending=str(b[0]),
            debits_posted=str(b[1]),
            credits_pending=str(b[2]),
            credits_posted=str(b[3]),
        )
        for ts, b in rows
    ]


def _set_frozen(
    ledger: LedgerDep, caller: KeyHolder, account_id: str, frozen: bool, body: FreezeIn
) -> AccountOut:
    """Freeze or unfreeze, and write the action to the audit log in the same transaction."""
    event = AuditEvent(
        actor=caller.actor,
        role=caller.role,
        agency=OPERATOR_AGENCY,
        action="ledger.freeze" if frozen else "ledger.unfreeze",
        subject_id=None,
        purpose="ledger_operations",
        legal_basis=body.reason,
        details={"account_id": account_id},
    )
    try:
        with ledger.transaction():
            ledger.set_frozen(int(account_id), frozen, body.reason)
            append_in_transaction(ledger.store, event)
    except NotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, error.message) from error
    state = ledger.get_account(int(account_id))
    assert state is not None
    return AccountOut.of(state)


@router.post("/accounts/{account_id}/freeze")
def freeze(ledger: LedgerDep, account_id: AccountId, body: FreezeIn, caller: Freezer) -> AccountOut:
    """Stop every new debit and credit of the account (pending ones may still be voided)."""
    return _set_frozen(ledger, caller, account_id, True, body)


@router.post("/accounts/{account_id}/unfreeze")
def unfreeze(
    ledger: LedgerDep, account_id: AccountId, body: FreezeIn, caller: Freezer
) -> AccountOut:
    return _set_frozen(ledger, caller, account_id, False, body)


@router.get("/head", dependencies=[Reader])
def head(ledger: LedgerDep) -> HeadOut:
    """The journal's tip: sign and anchor it to make history impossible to rewrite quietly."""
    h = ledger.store.head()
    return HeadOut(height=str(h.height), hash=h.hash.hex(), last_timestamp=str(h.last_timestamp))
