"""Register participants and open the ledger accounts their kind needs.

The ledger accounts are created first (a retry finds them `exists`), then the participant row: a
crash in between leaves accounts nobody refers to yet, and the retry completes the registration.
"""

import re
from collections.abc import Sequence

from digisom.errors import InvalidInput, invariant
from digisom.ledger.model import Account, CreateAccountResult
from digisom.ledger.service import Ledger
from digisom.platform import db
from digisom.platform.accounts import (
    LIABILITY,
    Code,
    limit_control_account,
    money_account,
)
from digisom.platform.records import Kind, Participant

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
NAME_LENGTH_MAX = 200
CATEGORY_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
NATIONAL_ID_PATTERN = re.compile(r"^[0-9]{14}$")
"""Kyrgyz personal identification numbers (PIN/INN) have 14 digits."""

ACCOUNT_CODES_BY_KIND: dict[Kind, tuple[Code, ...]] = {
    Kind.CENTRAL_BANK: (Code.CB_ISSUANCE, Code.CB_RESERVE_CONTROL),
    Kind.BANK: (Code.BANK_RESERVE, Code.BANK_DIGITAL),
    Kind.TREASURY: (Code.GOV_DEPOSIT, Code.GOV_DIGITAL, Code.TAX_REVENUE),
    Kind.AGENCY: (Code.GOV_DEPOSIT, Code.GOV_DIGITAL),
    Kind.BUSINESS: (),
    Kind.CITIZEN: (),
}
"""Businesses and citizens hold money only in wallets, opened through their bank."""

_OK = frozenset({CreateAccountResult.OK.value, CreateAccountResult.EXISTS.value})


def accounts_of(participant: Participant) -> list[Account]:
    out = []
    for code in ACCOUNT_CODES_BY_KIND[participant.kind]:
        if code == Code.CB_ISSUANCE:
            out.append(money_account(participant.id, code, LIABILITY))
        elif code == Code.CB_RESERVE_CONTROL:
            out.append(money_account(participant.id, code, 0))
        else:
            out.append(money_account(participant.id, code))
    return out


def validate(participant: Participant, national_id: str | None) -> None:
    """Raise `InvalidInput` naming the first field that is wrong."""
    if not ID_PATTERN.match(participant.id):
        raise InvalidInput(f"participant id {participant.id!r}: use a-z, 0-9 and -, 1-64 long")
    if not 0 < len(participant.name) <= NAME_LENGTH_MAX:
        raise InvalidInput(f"participant name: 1 to {NAME_LENGTH_MAX} characters")
    holder = participant.kind in (Kind.BUSINESS, Kind.CITIZEN)
    if holder and participant.bank_id is None:
        raise InvalidInput(f"a {participant.kind.value} is served by a bank: bank_id is required")
    if not holder and participant.bank_id is not None:
        raise InvalidInput(f"a {participant.kind.value} has no serving bank")
    if participant.category is not None and not CATEGORY_PATTERN.match(participant.category):
        raise InvalidInput("category: a-z, 0-9 and _, 1-40 long")
    if participant.category is not None and participant.kind != Kind.BUSINESS:
        raise InvalidInput("only businesses have a merchant category")
    if national_id is not None and not NATIONAL_ID_PATTERN.match(national_id):
        raise InvalidInput("national id: 14 digits")


def ensure_accounts(ledger: Ledger, accounts: Sequence[Account]) -> None:
    """Create accounts (idempotently) in ledger batches; any refusal is a bug in this module."""
    for start in range(0, len(accounts), 8190):
        chunk = list(accounts[start : start + 8190])
        results = ledger.create_accounts(chunk).results
        bad = [(a.id, r) for a, r in zip(chunk, results, strict=True) if r not in _OK]
        invariant(not bad, f"platform accounts refused by the ledger: {bad[:3]}")


def register(ledger: Ledger, participant: Participant, national_id: str | None = None) -> bool:
    """Register a participant with its accounts; True if new, False if it existed already."""
    validate(participant, national_id)
    store = ledger.store
    if participant.bank_id is not None:
        bank = db.get_participant(store, participant.bank_id)
        if bank.kind != Kind.BANK:
            raise InvalidInput(f"{participant.bank_id} is not a bank")
    if participant.kind == Kind.CENTRAL_BANK:
        existing = db.participants_of_kind(store, Kind.CENTRAL_BANK)
        if existing and existing[0].id != participant.id:
            raise InvalidInput(f"the central bank is already registered as {existing[0].id}")
    ensure_accounts(ledger, [limit_control_account(), *accounts_of(participant)])
    return db.insert_participant(store, participant, national_id)


def central_bank(ledger: Ledger) -> Participant:
    found = db.participants_of_kind(ledger.store, Kind.CENTRAL_BANK)
    if not found:
        raise InvalidInput("no central bank is registered")
    return found[0]
