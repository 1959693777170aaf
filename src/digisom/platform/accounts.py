"""The chart of accounts of the digital som: which ledger account exists for what, and its code.

Everything lives on ledger 417 (the som) except the limit counters, which live on their own
ledger (`LIMITS_LEDGER`) so that they can never be mistaken for money: a transfer never crosses
ledgers, and a linked chain may mix both, which is how a payment and its limit checks succeed or
fail together.

Three families of accounts on ledger 417:

* central bank (codes 1-9): `CB_ISSUANCE` is the central bank's digital som liability; its debit
  balance is every digital som in existence. `CB_RESERVE_CONTROL` is the central bank's side of
  reserve money (the counterpart of banks' reserve and government deposit accounts).
* reserve money (codes 10-19): a bank's reserve account and a government deposit at the central
  bank. Issuance turns reserve money into digital som one for one.
* digital som in circulation (codes 100-199): every holding outside the central bank, including
  the escrow behind on-chain tokens. Their total equals `CB_ISSUANCE` (see `issuance.py`).

Ids are derived (BLAKE2b, 128 bits) from what the account is for, so every service computes the
same id without a lookup table, and a retried creation is recognised by the ledger (`exists`).
"""

import hashlib
from enum import IntEnum
from typing import Final

from digisom.ledger.model import Account, AccountFlags
from digisom.limits import LEDGER_KGS

LIMITS_LEDGER: Final = 1417
"""Ledger of the limit counters (holding headroom, daily and monthly allowances): not money."""


class Code(IntEnum):
    """Account codes (`Account.code`)."""

    CB_ISSUANCE = 1
    CB_RESERVE_CONTROL = 2
    BANK_RESERVE = 10
    GOV_DEPOSIT = 11
    BANK_DIGITAL = 100
    GOV_DIGITAL = 101
    TAX_REVENUE = 102
    WALLET = 110
    SUBSIDY_POOL = 120
    SUBSIDY_GRANT = 121
    TOKEN_ESCROW = 130
    # On LIMITS_LEDGER:
    LIMIT_CONTROL = 1
    HOLDING_HEADROOM = 2
    DAILY_ALLOWANCE = 3
    MONTHLY_ALLOWANCE = 4


CIRCULATION_CODE_MIN: Final = 100
CIRCULATION_CODE_MAX: Final = 199
"""Codes of ledger-417 accounts that hold digital som in circulation (`TOKEN_ESCROW` included)."""


class TransferCode(IntEnum):
    """Transfer codes (`Transfer.code`): why money moved."""

    RESERVE_CREDIT = 1
    RESERVE_DEBIT = 2
    ISSUE_RESERVE_LEG = 3
    ISSUE = 4
    REDEEM = 5
    REDEEM_RESERVE_LEG = 6
    P2P = 10
    MERCHANT = 11
    SWEEP_TO_BANK = 12
    PULL_FROM_BANK = 13
    CLOSE_SWEEP = 14
    TOP_UP = 15
    DISBURSEMENT = 20
    TAX = 21
    FEE = 22
    SUBSIDY_FUND = 30
    SUBSIDY_GRANT = 31
    SUBSIDY_SPEND = 32
    SUBSIDY_CLAWBACK = 33
    LIMIT_SET = 100
    LIMIT_HOLDING = 101
    LIMIT_DAILY = 102
    LIMIT_MONTHLY = 103


HOLDING: Final = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
"""Flags of every account that holds money or allowance: it can never be overdrawn."""

LIABILITY: Final = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
"""Flags of the issuance account: it can never show more redeemed than issued."""


def derive_id(*parts: str) -> int:
    """A non-zero 128-bit id from the parts' meaning; equal parts give equal ids."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()
    value = int.from_bytes(digest, "big")
    return value if 0 < value < 2**128 - 1 else 1


def account_id(owner: str, code: Code) -> int:
    """The id of `owner`'s account of type `code` (owner: a participant, wallet or grant)."""
    return derive_id("account", owner, code.name)


def money_account(owner: str, code: Code, flags: int = HOLDING, user_data_32: int = 0) -> Account:
    return Account(account_id(owner, code), LEDGER_KGS, int(code), flags, 0, 0, user_data_32)


def limit_account(owner: str, code: Code) -> Account:
    return Account(account_id(owner, code), LIMITS_LEDGER, int(code), HOLDING)


LIMIT_CONTROL_ID: Final = account_id("platform", Code.LIMIT_CONTROL)
"""The one counter-account of every limit counter (no flags: it may go either way)."""


def limit_control_account() -> Account:
    return Account(LIMIT_CONTROL_ID, LIMITS_LEDGER, int(Code.LIMIT_CONTROL), 0)
