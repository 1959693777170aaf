"""`digisom ledger verify`: prove, from the stored rows alone, that the ledger is sound.

Checks, each reported separately:
1. the journal hash chain: every entry recomputed from the rows it covers (a changed, removed,
   inserted or reordered row breaks it), heights contiguous, each entry linked to the one before;
2. every account's four balances equal what its transfers and their pending states imply;
3. per ledger, debits equal credits (posted and pending alike);
4. no balance flag is violated;
5. every post or void resolves a pending transfer whose recorded state agrees with it;
6. the per-account index lists each folded transfer under both its accounts and nothing else.
Runs on a live database with one streaming pass over each table.
"""

import heapq
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from digisom.ledger import journal
from digisom.ledger.engine import Balances
from digisom.ledger.journal import RecordKind
from digisom.ledger.model import GENESIS_HASH, AccountFlags, PendingStatus, TransferFlags
from digisom.storage.base import LedgerStore

PROBLEMS_REPORTED_MAX = 100
"""Beyond this many, problems are counted but not listed: a wrecked database is one message."""

_PENDING = int(TransferFlags.PENDING)
_POST = int(TransferFlags.POST_PENDING_TRANSFER)
_VOID = int(TransferFlags.VOID_PENDING_TRANSFER)


@dataclass(slots=True)
class VerifyReport:
    """What `verify` found; `ok` only when no check found a problem."""

    journal_height: int = 0
    journal_head_hex: str = GENESIS_HASH.hex()
    accounts: int = 0
    transfers: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)
    ledgers: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_REPORTED_MAX:
            self.problems.append(problem)


def verify(store: LedgerStore) -> VerifyReport:
    report = VerifyReport()
    with store.read_snapshot():
        _verify_journal(store, report)
        _verify_balances(store, report)
        _verify_account_index(store, report)
    return report


def _records(store: LedgerStore) -> Iterator[tuple[int, bytes]]:
    """Every journaled row as (timestamp, canonical record), in timestamp order."""
    accounts = (
        (r.timestamp, journal.encode_account(r.account, r.timestamp))
        for r, _ in store.iter_accounts()
    )
    transfers = ((t.timestamp, journal.encode_transfer(t)) for t in store.iter_transfers())
    expiries = (
        (resolved_at, journal.encode_account_event(RecordKind.EXPIRY, pending_id, resolved_at))
        for pending_id, status, _, resolved_at in store.iter_pending()
        if status is PendingStatus.EXPIRED and resolved_at is not None
    )
    events = (
        (e.timestamp, journal.encode_account_event(RecordKind(e.kind), e.account_id, e.timestamp))
        for e in store.iter_account_events()
    )
    return heapq.merge(accounts, transfers, expiries, events, key=lambda r: r[0])


def _verify_journal(store: LedgerStore, report: VerifyReport) -> None:
    records = _records(store)
    pending_record = next(records, None)
    previous_hash = GENESIS_HASH
    expected_height = 1
    for entry in store.iter_journal():
        if entry.height != expected_height:
            report.add(f"journal: height {entry.height} found where {expected_height} was expected")
        if entry.previous_hash != previous_hash:
            report.add(f"journal: entry {entry.height} does not link to the entry before it")
        covered: list[bytes] = []
        while pending_record is not None and pending_record[0] <= entry.last_timestamp:
            if pending_record[0] < entry.first_timestamp:
                report.add(f"journal: a row at timestamp {pending_record[0]} is in no entry")
            else:
                covered.append(pending_record[1])
            pending_record = next(records, None)
        digest = journal.chain_hash(
            entry.height, entry.previous_hash, len(covered), b"".join(covered)
        )
        if len(covered) != entry.record_count or digest != entry.hash:
            report.add(
                f"journal: entry {entry.height} does not match its rows "
                f"({len(covered)} rows, {entry.record_count} recorded): rows changed, removed, "
                "added or reordered"
            )
        previous_hash = entry.hash
        expected_height = entry.height + 1
        report.journal_height = entry.height
        report.journal_head_hex = entry.hash.hex()
    while pending_record is not None:
        report.add(f"journal: a row at timestamp {pending_record[0]} is after the journal head")
        pending_record = next(records, None)


def _verify_balances(store: LedgerStore, report: VerifyReport) -> None:
    status_by_id: dict[int, tuple[PendingStatus, int | None]] = {
        pending_id: (status, resolved_at)
        for pending_id, status, _, resolved_at in store.iter_pending()
    }
    implied: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    pending_amounts: dict[int, int] = {}
    for t in store.iter_transfers():
        report.transfers += 1
        debit, credit = implied[t.debit_account_id], implied[t.credit_account_id]
        if t.flags & _PENDING:
            pending_amounts[t.id] = t.amount
            state = status_by_id.get(t.id)
            if state is None:
                report.add(f"transfer {t.id}: pending transfer without a pending state")
            elif state[0] is PendingStatus.PENDING:
                debit[0] += t.amount
                credit[2] += t.amount
        elif t.flags & (_POST | _VOID):
            expected = PendingStatus.POSTED if t.flags & _POST else PendingStatus.VOIDED
            state = status_by_id.get(t.pending_id)
            if state != (expected, t.timestamp):
                report.add(f"transfer {t.id}: pending transfer {t.pending_id} is not {expected}")
            if t.flags & _POST:
                debit[1] += t.amount
                credit[3] += t.amount
                if t.amount > pending_amounts.get(t.pending_id, 0):
                    report.add(f"transfer {t.id}: posts more than was pending")
        else:
            debit[1] += t.amount
            credit[3] += t.amount
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for record, balances in store.iter_accounts():
        report.accounts += 1
        account = record.account
        expected_balances = tuple(implied.pop(account.id, [0, 0, 0, 0]))
        if balances != expected_balances:
            report.add(
                f"account {account.id}: balances {balances} differ from its transfers "
                f"{expected_balances}"
            )
        _check_flags(account.id, account.flags, balances, report)
        total = totals[account.ledger]
        for i in range(4):
            total[i] += balances[i]
    for account_id in implied:
        report.add(f"account {account_id}: has transfers but does not exist")
    for ledger, (dp, dpo, cp, cpo) in sorted(totals.items()):
        report.ledgers[ledger] = {
            "debits_pending": str(dp),
            "debits_posted": str(dpo),
            "credits_pending": str(cp),
            "credits_posted": str(cpo),
        }
        if dpo != cpo or dp != cp:
            report.add(f"ledger {ledger}: debits do not equal credits")


def _verify_account_index(store: LedgerStore, report: VerifyReport) -> None:
    """The index is derived from the transfers (no money depends on it), but a wrong one would
    hide transfers from an account's statement, so it is checked too."""
    c = store.account_index_counts()
    if c["entries"] != 2 * c["folded"]:
        report.add(
            f"account index: {c['entries']} entries, "
            f"{2 * c['folded']} expected for {c['folded']} folded transfers"
        )
    if not store.account_index_matches_transfers():
        report.add("account index: its entries are not those of the folded transfers")
    if c["tail"] != c["tail_recorded"]:
        report.add(f"account index: tail of {c['tail']} transfers, {c['tail_recorded']} recorded")
    for problem in store.account_index_run_problems():
        report.add(problem)


def _check_flags(account_id: int, flags: int, balances: Balances, report: VerifyReport) -> None:
    dp, dpo, cp, cpo = balances
    if flags & AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS and dp + dpo > cpo:
        report.add(f"account {account_id}: debits exceed credits")
    if flags & AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS and cp + cpo > dpo:
        report.add(f"account {account_id}: credits exceed debits")
