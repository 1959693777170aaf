"""The ledger's state machine: validate and apply a batch of events against loaded state.

Pure: the caller (`service`) loads every account and transfer a batch can touch into a
`BatchState`, runs `create_accounts` or `create_transfers`, then writes the changes in one
database transaction. Nothing here does I/O, so the same code runs for SQLite and PostgreSQL,
and a property test can compare it with a simple reference model.

Linked events (a run of events flagged `linked`, closed by the first event without the flag) are
all-or-nothing: every change an event makes is logged so that a failed chain can be undone.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from digisom.errors import invariant
from digisom.ledger.model import (
    Account,
    AccountFlags,
    CreateAccountResult,
    CreateTransferResult,
    PendingStatus,
    Transfer,
    TransferFlags,
)
from digisom.limits import U128_MAX

NS_PER_S = 1_000_000_000
TIMESTAMP_MAX = 2**63 - 1
"""Timestamps are signed 64-bit nanoseconds in storage; an expiry past this cannot be stored."""

_R = CreateTransferResult
_LINKED = int(TransferFlags.LINKED)
_PENDING = int(TransferFlags.PENDING)
_POST = int(TransferFlags.POST_PENDING_TRANSFER)
_VOID = int(TransferFlags.VOID_PENDING_TRANSFER)
_DMNEC = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_CMNED = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)
_HISTORY = int(AccountFlags.HISTORY)

Balances = tuple[int, int, int, int]
"""(debits_pending, debits_posted, credits_pending, credits_posted)."""


@dataclass(slots=True)
class AccountRecord:
    """What the engine needs of an existing account; balances are kept apart (undo log)."""

    account: Account
    timestamp: int
    frozen: bool


@dataclass(slots=True)
class PendingRecord:
    """A pending transfer's status and expiry (nanoseconds; 0 means it never expires)."""

    status: PendingStatus
    expires_at: int


@dataclass(slots=True)
class BatchState:
    """Everything a batch may read, and everything it changed, in memory.

    `accounts`, `balances`, `transfers` and `pending` hold the loaded rows; the engine updates
    them in place and records what it changed in the `new_*` / `changed_*` collections so the
    store writes only those.
    """

    accounts: dict[int, AccountRecord] = field(default_factory=dict)
    balances: dict[int, Balances] = field(default_factory=dict)
    transfers: dict[int, Transfer] = field(default_factory=dict)
    pending: dict[int, PendingRecord] = field(default_factory=dict)

    new_accounts: list[AccountRecord] = field(default_factory=list)
    new_transfers: list[Transfer] = field(default_factory=list)
    changed_balance_ids: set[int] = field(default_factory=set)
    new_pending_ids: list[int] = field(default_factory=list)
    resolved_pending: dict[int, tuple[PendingStatus, int]] = field(default_factory=dict)
    """pending id -> (new status, timestamp of the resolution)."""
    history: list[tuple[int, int, Balances]] = field(default_factory=list)
    """(account id, timestamp, balances after) for accounts flagged `history`."""


class _UndoLog:
    """Changes made since a linked chain began, newest last, so a failed chain can be undone."""

    __slots__ = (
        "active",
        "entries",
        "history_len",
        "new_accounts_len",
        "new_pending_len",
        "new_transfers_len",
    )

    def __init__(self) -> None:
        self.entries: list[tuple[dict[int, Any], int, Any]] = []
        self.new_accounts_len = 0
        self.new_transfers_len = 0
        self.history_len = 0
        self.new_pending_len = 0
        self.active = False

    def begin(self, state: BatchState) -> None:
        self.entries.clear()
        self.new_accounts_len = len(state.new_accounts)
        self.new_transfers_len = len(state.new_transfers)
        self.history_len = len(state.history)
        self.new_pending_len = len(state.new_pending_ids)
        self.active = True

    def rollback(self, state: BatchState) -> None:
        missing = _MISSING
        for table, key, old in reversed(self.entries):
            if old is missing:
                del table[key]
            else:
                table[key] = old
        del state.new_accounts[self.new_accounts_len :]
        del state.new_transfers[self.new_transfers_len :]
        del state.history[self.history_len :]
        del state.new_pending_ids[self.new_pending_len :]
        self.entries.clear()
        self.active = False


_MISSING = object()

EventFn = Callable[[int, _UndoLog], str]
"""Validates and applies event `index` of a batch; returns its result code."""


V = TypeVar("V")


def _set(undo: _UndoLog, table: dict[int, V], key: int, value: V) -> None:
    """Write `table[key] = value`, remembering the old value while a chain is open."""
    if undo.active:
        undo.entries.append((table, key, table.get(key, _MISSING)))
    table[key] = value


def run_chains(
    count: int,
    flags_of: Sequence[int],
    apply_one: EventFn,
    state: BatchState,
) -> list[str]:
    """Run `count` events with linked-chain semantics; return one result per event.

    `apply_one(index, undo)` validates and applies event `index` and returns its result; "ok" and
    "exists" are success. A failure inside a chain rolls back the chain's earlier events, which
    then report `linked_event_failed`, as do the chain's later events (not evaluated).
    """
    results: list[str] = ["ok"] * count
    undo = _UndoLog()
    chain_start = -1
    chain_failed = False
    last = count - 1
    for index in range(count):
        linked = flags_of[index] & _LINKED
        if linked and chain_start < 0:
            chain_start = index
            chain_failed = False
            undo.begin(state)
        if chain_start >= 0 and chain_failed:
            result = "linked_event_failed"
        elif linked and index == last:
            result = "linked_event_chain_open"
        else:
            result = apply_one(index, undo)
        if result not in ("ok", "exists") and chain_start >= 0 and not chain_failed:
            undo.rollback(state)
            for earlier in range(chain_start, index):
                results[earlier] = "linked_event_failed"
            chain_failed = True
        results[index] = str(result)
        if not linked and chain_start >= 0:
            chain_start = -1
            undo.active = False
    return results


def create_accounts(
    accounts: Sequence[Account], state: BatchState, timestamp_base: int
) -> list[str]:
    """Validate and apply account creations; event i gets timestamp `timestamp_base + i`."""
    records = state.accounts

    def apply_one(index: int, undo: _UndoLog) -> str:
        a = accounts[index]
        result = _validate_account(a)
        if result is not None:
            return result
        existing = records.get(a.id)
        if existing is not None:
            same = existing.account == a
            return "exists" if same else "exists_with_different_fields"
        record = AccountRecord(account=a, timestamp=timestamp_base + index, frozen=False)
        _set(undo, records, a.id, record)
        _set(undo, state.balances, a.id, (0, 0, 0, 0))
        state.new_accounts.append(record)
        return "ok"

    return run_chains(len(accounts), [a.flags for a in accounts], apply_one, state)


def _validate_account(a: Account) -> str | None:
    """The checks that need no state, in TigerBeetle's order."""
    if a.id == 0:
        return CreateAccountResult.ID_MUST_NOT_BE_ZERO
    if a.id == U128_MAX:
        return CreateAccountResult.ID_MUST_NOT_BE_INT_MAX
    if a.flags & _DMNEC and a.flags & _CMNED:
        return CreateAccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    if a.ledger == 0:
        return CreateAccountResult.LEDGER_MUST_NOT_BE_ZERO
    if a.code == 0:
        return CreateAccountResult.CODE_MUST_NOT_BE_ZERO
    return None


def create_transfers(
    transfers: Sequence[Transfer], state: BatchState, timestamp_base: int
) -> list[str]:
    """Validate and apply transfers; event i gets timestamp `timestamp_base + i`."""

    def apply_one(index: int, undo: _UndoLog) -> str:
        t = transfers[index]
        timestamp = timestamp_base + index
        if t.flags & (_POST | _VOID):
            return _post_or_void(t, timestamp, state, undo)
        return _create_transfer(t, timestamp, state, undo)

    flags = [t.flags for t in transfers]
    if any(f & _LINKED for f in flags):
        return run_chains(len(transfers), flags, apply_one, state)
    # No chain: `run_chains` would call `apply_one` once per event with its undo log idle;
    # the same, without its per-event bookkeeping (a batch's hottest loop).
    undo = _UndoLog()
    return [str(apply_one(index, undo)) for index in range(len(transfers))]


def _check_id_and_kind(t: Transfer) -> str | None:
    """The first checks of every transfer: its id, and at most one of pending, post and void."""
    if t.id == 0:
        return _R.ID_MUST_NOT_BE_ZERO
    if t.id == U128_MAX:
        return _R.ID_MUST_NOT_BE_INT_MAX
    if bin(t.flags & (_PENDING | _POST | _VOID)).count("1") > 1:
        return _R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    return None


def _create_transfer(t: Transfer, timestamp: int, state: BatchState, undo: _UndoLog) -> str:
    """A plain transfer (posts at once) or phase one of a two-phase transfer (reserves).

    The checks that need no state come first, in TigerBeetle's order; without a linked chain
    open the effects are `_record`'s, written out in line. This runs for nearly every event,
    and those calls were a third of its time.
    """
    transfer_id = t.id
    debit_id = t.debit_account_id
    credit_id = t.credit_account_id
    flags = t.flags
    pending = flags & _PENDING
    # Post and void never come here, so the kind (at most one of pending/post/void) is valid.
    if transfer_id == 0:
        return _R.ID_MUST_NOT_BE_ZERO
    if transfer_id == U128_MAX:
        return _R.ID_MUST_NOT_BE_INT_MAX
    if debit_id == 0:
        return _R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
    if credit_id == 0:
        return _R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO
    if debit_id == credit_id:
        return _R.ACCOUNTS_MUST_BE_DIFFERENT
    if t.pending_id != 0:
        return _R.PENDING_ID_MUST_BE_ZERO
    if t.timeout != 0 and not pending:
        return _R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    if t.ledger == 0:
        return _R.LEDGER_MUST_NOT_BE_ZERO
    if t.code == 0:
        return _R.CODE_MUST_NOT_BE_ZERO
    accounts = state.accounts
    debit = accounts.get(debit_id)
    if debit is None:
        return _R.DEBIT_ACCOUNT_NOT_FOUND
    credit = accounts.get(credit_id)
    if credit is None:
        return _R.CREDIT_ACCOUNT_NOT_FOUND
    debit_account = debit.account
    credit_account = credit.account
    if debit_account.ledger != credit_account.ledger:
        return _R.ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER
    if t.ledger != debit_account.ledger:
        return _R.LEDGER_MUST_MATCH
    existing = state.transfers.get(transfer_id)
    if existing is not None:
        return _exists(t, existing)
    amount = t.amount
    if amount == 0:
        return _R.AMOUNT_MUST_NOT_BE_ZERO
    if debit.frozen:
        return _R.DEBIT_ACCOUNT_FROZEN
    if credit.frozen:
        return _R.CREDIT_ACCOUNT_FROZEN
    balances = state.balances
    dp, dpo, dcp, dcpo = balances[debit_id]
    cdp, cdpo, cp, cpo = balances[credit_id]
    if pending:
        if dp + amount > U128_MAX:
            return _R.OVERFLOWS_DEBITS_PENDING
        if cp + amount > U128_MAX:
            return _R.OVERFLOWS_CREDITS_PENDING
    else:
        if dpo + amount > U128_MAX:
            return _R.OVERFLOWS_DEBITS_POSTED
        if cpo + amount > U128_MAX:
            return _R.OVERFLOWS_CREDITS_POSTED
    if dp + dpo + amount > U128_MAX:
        return _R.OVERFLOWS_DEBITS
    if cp + cpo + amount > U128_MAX:
        return _R.OVERFLOWS_CREDITS
    expires_at = timestamp + t.timeout * NS_PER_S if t.timeout else 0
    if expires_at > TIMESTAMP_MAX:
        return _R.OVERFLOWS_TIMEOUT
    if debit_account.flags & _DMNEC and dp + dpo + amount > dcpo:
        return _R.EXCEEDS_CREDITS
    if credit_account.flags & _CMNED and cp + cpo + amount > cdpo:
        return _R.EXCEEDS_DEBITS

    if pending:
        new_debit: Balances = (dp + amount, dpo, dcp, dcpo)
        new_credit: Balances = (cdp, cdpo, cp + amount, cpo)
    else:
        new_debit = (dp, dpo + amount, dcp, dcpo)
        new_credit = (cdp, cdpo, cp, cpo + amount)
    stored = _new_transfer(Transfer, (*t[:12], timestamp))
    if undo.active:
        _record(state, undo, stored, debit, credit, new_debit, new_credit)
    else:  # `_record` without an undo log to keep
        balances[debit_id] = new_debit
        balances[credit_id] = new_credit
        state.transfers[transfer_id] = stored
        state.new_transfers.append(stored)
        changed = state.changed_balance_ids
        changed.add(debit_id)
        changed.add(credit_id)
        if debit_account.flags & _HISTORY:
            state.history.append((debit_id, timestamp, new_debit))
        if credit_account.flags & _HISTORY:
            state.history.append((credit_id, timestamp, new_credit))
    if pending:
        _set(undo, state.pending, transfer_id, PendingRecord(PendingStatus.PENDING, expires_at))
        state.new_pending_ids.append(transfer_id)
    return "ok"


_new_transfer = tuple.__new__
"""Builds a `Transfer` from a tuple of its fields (in order) without a call to its `__new__`."""


def _post_or_void(t: Transfer, timestamp: int, state: BatchState, undo: _UndoLog) -> str:
    """Phase two of a two-phase transfer: post all or part of it, or void it."""
    result = _check_id_and_kind(t)
    if result is not None:
        return result
    if t.pending_id == 0:
        return _R.PENDING_ID_MUST_NOT_BE_ZERO
    if t.pending_id == t.id:
        return _R.PENDING_ID_MUST_BE_DIFFERENT
    if t.timeout != 0:
        return _R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    p = state.transfers.get(t.pending_id)
    if p is None:
        return _R.PENDING_TRANSFER_NOT_FOUND
    if not p.flags & _PENDING:
        return _R.PENDING_TRANSFER_NOT_PENDING
    if t.debit_account_id not in (0, p.debit_account_id):
        return _R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID
    if t.credit_account_id not in (0, p.credit_account_id):
        return _R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID
    if t.ledger not in (0, p.ledger):
        return _R.PENDING_TRANSFER_HAS_DIFFERENT_LEDGER
    if t.code not in (0, p.code):
        return _R.PENDING_TRANSFER_HAS_DIFFERENT_CODE
    existing = state.transfers.get(t.id)
    if existing is not None:
        return _exists(t, existing)
    post = t.flags & _POST
    if post:
        if t.amount > p.amount:
            return _R.EXCEEDS_PENDING_TRANSFER_AMOUNT
    elif t.amount not in (0, p.amount):
        return _R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
    record = state.pending[p.id]
    if record.status is PendingStatus.POSTED:
        return _R.PENDING_TRANSFER_ALREADY_POSTED
    if record.status is PendingStatus.VOIDED:
        return _R.PENDING_TRANSFER_ALREADY_VOIDED
    if record.status is PendingStatus.EXPIRED or 0 < record.expires_at <= timestamp:
        return _R.PENDING_TRANSFER_EXPIRED
    debit = state.accounts[p.debit_account_id]
    credit = state.accounts[p.credit_account_id]
    if post and debit.frozen:
        return _R.DEBIT_ACCOUNT_FROZEN
    if post and credit.frozen:
        return _R.CREDIT_ACCOUNT_FROZEN

    amount = (t.amount or p.amount) if post else p.amount
    dp, dpo, dcp, dcpo = state.balances[p.debit_account_id]
    cdp, cdpo, cp, cpo = state.balances[p.credit_account_id]
    invariant(dp >= p.amount and cp >= p.amount, "pending balance below a pending transfer")
    posted = amount if post else 0
    new_debit: Balances = (dp - p.amount, dpo + posted, dcp, dcpo)
    new_credit: Balances = (cdp, cdpo, cp - p.amount, cpo + posted)
    stored = Transfer(
        id=t.id,
        debit_account_id=p.debit_account_id,
        credit_account_id=p.credit_account_id,
        amount=amount,
        ledger=p.ledger,
        code=p.code,
        flags=t.flags,
        pending_id=t.pending_id,
        timeout=0,
        user_data_128=t.user_data_128,
        user_data_64=t.user_data_64,
        user_data_32=t.user_data_32,
        timestamp=timestamp,
    )
    _record(state, undo, stored, debit, credit, new_debit, new_credit)
    status = PendingStatus.POSTED if post else PendingStatus.VOIDED
    _set(undo, state.pending, p.id, PendingRecord(status, record.expires_at))
    _set(undo, state.resolved_pending, p.id, (status, timestamp))
    return "ok"


def _record(
    state: BatchState,
    undo: _UndoLog,
    stored: Transfer,
    debit: AccountRecord,
    credit: AccountRecord,
    new_debit: Balances,
    new_credit: Balances,
) -> None:
    """Apply a validated transfer's effects to the in-memory state."""
    balances = state.balances
    _set(undo, balances, stored.debit_account_id, new_debit)
    _set(undo, balances, stored.credit_account_id, new_credit)
    _set(undo, state.transfers, stored.id, stored)
    state.new_transfers.append(stored)
    state.changed_balance_ids.add(stored.debit_account_id)
    state.changed_balance_ids.add(stored.credit_account_id)
    if debit.account.flags & _HISTORY:
        state.history.append((stored.debit_account_id, stored.timestamp, new_debit))
    if credit.account.flags & _HISTORY:
        state.history.append((stored.credit_account_id, stored.timestamp, new_credit))


def _exists(t: Transfer, e: Transfer) -> str:
    """Compare a retried transfer with the stored one: fields given as 0 on a post or void
    were filled in from the pending transfer, so 0 matches what was stored."""
    if t.flags & (_POST | _VOID):
        inherited_match = (
            t.debit_account_id in (0, e.debit_account_id)
            and t.credit_account_id in (0, e.credit_account_id)
            and t.ledger in (0, e.ledger)
            and t.code in (0, e.code)
            and t.amount in (0, e.amount)
        )
    else:
        inherited_match = (
            t.debit_account_id == e.debit_account_id
            and t.credit_account_id == e.credit_account_id
            and t.ledger == e.ledger
            and t.code == e.code
            and t.amount == e.amount
        )
    same = (
        inherited_match
        and t.flags == e.flags
        and t.pending_id == e.pending_id
        and t.timeout == e.timeout
        and t.user_data_128 == e.user_data_128
        and t.user_data_64 == e.user_data_64
        and t.user_data_32 == e.user_data_32
    )
    return _R.EXISTS if same else _R.EXISTS_WITH_DIFFERENT_FIELDS


def expire_pending(due: Sequence[tuple[Transfer, int]], state: BatchState) -> list[tuple[int, int]]:
    """Release pending transfers whose timeout has passed: (transfer, expiry timestamp) each.

    Returns (pending id, timestamp) per expiry for the journal. The caller loads `due` (and their
    accounts) before any event of the batch runs, so the batch sees the funds released.
    """
    expired: list[tuple[int, int]] = []
    for p, timestamp in due:
        dp, dpo, dcp, dcpo = state.balances[p.debit_account_id]
        cdp, cdpo, cp, cpo = state.balances[p.credit_account_id]
        invariant(dp >= p.amount and cp >= p.amount, "expiring more than is pending")
        state.balances[p.debit_account_id] = (dp - p.amount, dpo, dcp, dcpo)
        state.balances[p.credit_account_id] = (cdp, cdpo, cp - p.amount, cpo)
        state.changed_balance_ids.add(p.debit_account_id)
        state.changed_balance_ids.add(p.credit_account_id)
        record = state.pending[p.id]
        invariant(record.status is PendingStatus.PENDING, "expiring a resolved transfer")
        state.pending[p.id] = PendingRecord(PendingStatus.EXPIRED, record.expires_at)
        state.resolved_pending[p.id] = (PendingStatus.EXPIRED, timestamp)
        expired.append((p.id, timestamp))
    return expired
