"""Who the issuer owes: the liability holders of one snapshot, read from the ledger.

A liability holder is an account on the som ledger whose balance the central bank owes to
someone outside it: a wallet, a bank's digital som float, a government account, a bank's reserve
account. Two kinds of account are left out by default: the central bank's own accounts (it does
not owe itself) and the escrow accounts behind on-chain tokens (the som in escrow is owed to the
token holders, who are counted on chain instead, so counting the escrow too would count it
twice). The codes are kept here, in one small mapping, because the chart of accounts belongs to
the platform and the bridge; `tests/reserve/test_liabilities.py` checks that they still agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from digisom.errors import InvalidInput, invariant
from digisom.ledger.engine import AccountRecord, Balances
from digisom.reserve.limits import LEDGER_SOM, NEGATIVE_BALANCES_SHOWN_MAX
from digisom.reserve.por.limits import BALANCE_LIMIT, UID_BYTES_MAX
from digisom.storage.base import LedgerStore

CENTRAL_BANK_CODES: frozenset[int] = frozenset(range(1, 10))
"""`platform.accounts.Code` 1-9: the central bank's own accounts (issuance, reserve control)."""
ESCROW_CODES: frozenset[int] = frozenset({130})
"""`platform.accounts.Code.TOKEN_ESCROW`, which the bridge uses for every token's escrow: that som
is owed to the token's holders on chain, who are counted as holders themselves."""

UID_PREFIX = "acct-"


@dataclass(frozen=True)
class HolderSelection:
    """Which ledger accounts are liability holders."""

    ledger: int = LEDGER_SOM
    """Only accounts on this ledger hold money that counts (1417 holds limit counters)."""
    excluded_codes: frozenset[int] = CENTRAL_BANK_CODES | ESCROW_CODES
    """Account codes that are not liabilities to someone outside the central bank."""

    def selects(self, record: AccountRecord) -> bool:
        """True if the account's balance is owed to a holder."""
        account = record.account
        return account.ledger == self.ledger and account.code not in self.excluded_codes


DEFAULT_SELECTION = HolderSelection()


def account_uid(account_id: int) -> str:
    """The pseudonymous uid of a ledger account in a snapshot: its 128-bit id in hex.

    The proof carries no name: the holder knows its account id, nobody else learns anything.
    """
    uid = f"{UID_PREFIX}{account_id:032x}"
    invariant(len(uid) <= UID_BYTES_MAX, "a uid fits the spec's bound")
    return uid


def account_id_of_uid(uid: str) -> int | None:
    """The account id a uid names, or None if it is not an account uid."""
    digits = uid.removeprefix(UID_PREFIX)
    if digits == uid or len(digits) != 32 or digits != digits.lower():
        return None
    try:
        return int(digits, 16)
    except ValueError:
        return None


@dataclass(frozen=True)
class LiabilitySnapshot:
    """Every holder's balance at one ledger height, read in one consistent snapshot."""

    ledger_height: int
    journal_hash: bytes
    uids: tuple[str, ...]
    balances_minor: tuple[int, ...]


ExtraHolders = Callable[[LedgerStore], Iterable[tuple[str, int]]]
"""A source of further holders read in the same snapshot (on-chain holders, once indexed)."""


def read_liabilities(
    store: LedgerStore,
    selection: HolderSelection = DEFAULT_SELECTION,
    extra_holders: ExtraHolders | None = None,
) -> LiabilitySnapshot:
    """Read the head and every selected balance inside one read snapshot.

    Balance = credits_posted - debits_posted (money in flight is counted where it still is).
    A negative balance is refused: a liability can't be below zero, and the spec's sum tree must
    not hide one, so the whole snapshot is refused and nothing is published.
    """
    uids: list[str] = []
    balances: list[int] = []
    negative: list[str] = []
    with store.read_snapshot():
        head = store.head()
        for record, account_balances in store.iter_accounts():
            if not selection.selects(record):
                continue
            balance = _posted_balance(account_balances)
            if balance < 0:
                negative.append(f"{account_uid(record.account.id)} ({balance})")
                continue
            uids.append(account_uid(record.account.id))
            balances.append(balance)
        if extra_holders is not None:
            for uid, balance in extra_holders(store):
                uids.append(uid)
                balances.append(balance)
    _refuse_negative(negative)
    for uid, balance in zip(uids, balances, strict=True):
        if not 0 <= balance < BALANCE_LIMIT:
            raise InvalidInput(f"holder {uid} has balance {balance}, outside [0, 2**64)")
    if len(set(uids)) != len(uids):
        raise InvalidInput("a holder uid appears twice in the snapshot")
    return LiabilitySnapshot(head.height, head.hash, tuple(uids), tuple(balances))


def _posted_balance(balances: Balances) -> int:
    _debits_pending, debits_posted, _credits_pending, credits_posted = balances
    return credits_posted - debits_posted


def _refuse_negative(negative: list[str]) -> None:
    if not negative:
        return
    shown = ", ".join(negative[:NEGATIVE_BALANCES_SHOWN_MAX])
    more = len(negative) - NEGATIVE_BALANCES_SHOWN_MAX
    tail = f" and {more} more" if more > 0 else ""
    raise InvalidInput(
        f"refused: {len(negative)} holder account(s) have a negative balance: {shown}{tail}"
    )
