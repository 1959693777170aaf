"""Request and response bodies of the ledger API.

128-bit ids and amounts travel as JSON strings of decimal digits (JSON numbers lose precision
past 2^53 in most clients); a JSON number, a float, a sign or anything out of range is refused.
Every model forbids unknown fields, so a misspelt field is an error, not silently ignored.
"""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from digisom.audit.limits import LEGAL_BASIS_CHARS_MAX, LEGAL_BASIS_CHARS_MIN
from digisom.ledger.model import (
    ACCOUNT_FLAGS_KNOWN,
    TRANSFER_FLAGS_KNOWN,
    Account,
    AccountState,
    Transfer,
)
from digisom.limits import U16_MAX, U32_MAX, U64_MAX, U128_MAX

_DIGITS = r"^(0|[1-9][0-9]{0,38})$"


def _u128(text: str) -> str:
    if int(text) > U128_MAX:
        raise ValueError("must be at most 2^128 - 1")
    return text


def _u64(text: str) -> str:
    if int(text) > U64_MAX:
        raise ValueError("must be at most 2^64 - 1")
    return text


U128 = Annotated[
    str,
    StringConstraints(strict=True, pattern=_DIGITS),
    AfterValidator(_u128),
    Field(description="Unsigned 128-bit integer as a decimal string", examples=["1000"]),
]
U64 = Annotated[
    str,
    StringConstraints(strict=True, pattern=_DIGITS),
    AfterValidator(_u64),
    Field(description="Unsigned 64-bit integer as a decimal string", examples=["0"]),
]
U32 = Annotated[int, Field(strict=True, ge=0, le=U32_MAX)]
U16 = Annotated[int, Field(strict=True, ge=0, le=U16_MAX)]


def _known(flags_known: int):  # type: ignore[no-untyped-def]
    def check(flags: int) -> int:
        if flags & ~flags_known:
            raise ValueError(f"unknown flag bits {flags & ~flags_known:#x}")
        return flags

    return AfterValidator(check)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountIn(_Strict):
    id: U128
    ledger: U32
    code: U16
    flags: Annotated[U16, _known(int(ACCOUNT_FLAGS_KNOWN))] = 0
    user_data_128: U128 = "0"
    user_data_64: U64 = "0"
    user_data_32: U32 = 0

    def to_model(self) -> Account:
        return Account(
            id=int(self.id),
            ledger=self.ledger,
            code=self.code,
            flags=self.flags,
            user_data_128=int(self.user_data_128),
            user_data_64=int(self.user_data_64),
            user_data_32=self.user_data_32,
        )


class TransferIn(_Strict):
    id: U128
    debit_account_id: U128 = "0"
    credit_account_id: U128 = "0"
    amount: U128 = Field(default="0", description="Minor units (1 som = 100 tyiyn), as a string")
    ledger: U32 = 0
    code: U16 = 0
    flags: Annotated[U16, _known(int(TRANSFER_FLAGS_KNOWN))] = 0
    pending_id: U128 = "0"
    timeout: U32 = 0
    user_data_128: U128 = "0"
    user_data_64: U64 = "0"
    user_data_32: U32 = 0

    def to_model(self) -> Transfer:
        return Transfer(
            id=int(self.id),
            debit_account_id=int(self.debit_account_id),
            credit_account_id=int(self.credit_account_id),
            amount=int(self.amount),
            ledger=self.ledger,
            code=self.code,
            flags=self.flags,
            pending_id=int(self.pending_id),
            timeout=self.timeout,
            user_data_128=int(self.user_data_128),
            user_data_64=int(self.user_data_64),
            user_data_32=self.user_data_32,
        )


class EventResult(BaseModel):
    index: int
    result: str


class AccountOut(BaseModel):
    id: str
    ledger: int
    code: int
    flags: int
    user_data_128: str
    user_data_64: str
    user_data_32: int
    debits_pending: str
    debits_posted: str
    credits_pending: str
    credits_posted: str
    timestamp: str
    frozen: bool

    @classmethod
    def of(cls, state: AccountState) -> "AccountOut":
        a = state.account
        return cls(
            id=str(a.id),
            ledger=a.ledger,
            code=a.code,
            flags=a.flags,
            user_data_128=str(a.user_data_128),
            user_data_64=str(a.user_data_64),
            user_data_32=a.user_data_32,
            debits_pending=str(state.debits_pending),
            debits_posted=str(state.debits_posted),
            credits_pending=str(state.credits_pending),
            credits_posted=str(state.credits_posted),
            timestamp=str(state.timestamp),
            frozen=state.frozen,
        )


class TransferOut(BaseModel):
    id: str
    debit_account_id: str
    credit_account_id: str
    amount: str
    ledger: int
    code: int
    flags: int
    pending_id: str
    timeout: int
    user_data_128: str
    user_data_64: str
    user_data_32: int
    timestamp: str
    pending_status: str | None = Field(
        default=None, description="For a pending transfer: pending, posted, voided or expired"
    )

    @classmethod
    def of(cls, t: Transfer, pending_status: str | None = None) -> "TransferOut":
        return cls(
            id=str(t.id),
            debit_account_id=str(t.debit_account_id),
            credit_account_id=str(t.credit_account_id),
            amount=str(t.amount),
            ledger=t.ledger,
            code=t.code,
            flags=t.flags,
            pending_id=str(t.pending_id),
            timeout=t.timeout,
            user_data_128=str(t.user_data_128),
            user_data_64=str(t.user_data_64),
            user_data_32=t.user_data_32,
            timestamp=str(t.timestamp),
            pending_status=pending_status,
        )


class TransferPage(BaseModel):
    transfers: list[TransferOut]
    next_after: str | None = Field(
        description="Pass as `after` to get the next page; null when this page is the last"
    )


class BalanceOut(BaseModel):
    timestamp: str
    debits_pending: str
    debits_posted: str
    credits_pending: str
    credits_posted: str


class FreezeIn(_Strict):
    reason: str = Field(
        min_length=LEGAL_BASIS_CHARS_MIN,
        max_length=LEGAL_BASIS_CHARS_MAX,
        description="The legal basis or operational reason, kept in the journal",
        examples=["Court order 2026-11-24 No. 123"],
    )


class HeadOut(BaseModel):
    height: str
    hash: str
    last_timestamp: str


class KeyIn(_Strict):
    role: str = Field(pattern="^(admin|operator|auditor)$")
    label: str = Field(default="", max_length=200)


class KeyOut(BaseModel):
    role: str
    key: str = Field(description="Shown once; only its hash is stored")
