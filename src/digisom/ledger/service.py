"""The ledger as a use case: load what a batch touches, run the engine, write, chain, commit.

Each call is one database transaction holding the ledger's write lock (see `digisom.storage`),
so a batch applies whole or not at all, concurrent writers never interleave, and the journal
entry that chains the batch commits together with it.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from digisom.errors import InvariantError, NotFound, invariant
from digisom.ledger import engine, journal
from digisom.ledger._engine import TransferBatch
from digisom.ledger.cache import AccountCache
from digisom.ledger.engine import NS_PER_S, BatchState
from digisom.ledger.journal import RecordKind
from digisom.ledger.model import Account, AccountState, JournalHead, Transfer
from digisom.limits import LEDGER_IDLE_S, MAINTENANCE_FOLD_TRANSFERS_MIN
from digisom.storage.base import (
    STATUS_CODES,
    AccountEvent,
    BatchWrite,
    JournalEntry,
    LedgerStore,
)

EXPIRIES_PER_BATCH_MAX = 8190
"""Pending transfers released at the start of one batch; the rest wait for the next one."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Results, one per event in input order, and the journal head after the batch."""

    results: list[str]
    head: JournalHead


class Ledger:
    """The double-entry ledger over one store connection (not shared between threads)."""

    def __init__(
        self,
        store: LedgerStore,
        clock_ns: Callable[[], int] = time.time_ns,
        cache: AccountCache | None = None,
    ) -> None:
        self.store = store
        self.clock_ns = clock_ns
        self.cache = cache if cache is not None else AccountCache()

    @contextmanager
    def _writing(self) -> Iterator[JournalHead]:
        """One write transaction holding the ledger's lock; yields the journal head.

        The process-wide cache lock is taken first, then the database's write lock, always in that
        order. The cache is checked against the head here and dropped if anything fails.
        """
        cache = self.cache
        with cache.lock:
            try:
                with self.store.write_transaction():
                    head = self.store.head()
                    cache.validate(head)
                    yield head
            except BaseException:
                cache.clear()
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several ledger operations (and a service's own rows) as one atomic transaction.

        Batches inside join it, so they commit together or not at all and no other writer can
        come between them. Locks are taken in the ledger's order (cache, then database), so a
        caller cannot deadlock with the other threads of its process.
        """
        with self._writing():
            yield

    def create_accounts(self, accounts: Sequence[Account]) -> BatchResult:
        with self._writing() as head:
            base = max(self.clock_ns(), head.last_timestamp + 1)
            records, balances = self.store.load_accounts({a.id for a in accounts})
            state = BatchState(accounts=records, balances=balances)
            results = engine.create_accounts(accounts, state, base)
            encoded = b"".join(
                journal.encode_account(r.account, r.timestamp) for r in state.new_accounts
            )
            entry, head = chain_batch(
                len(state.new_accounts), encoded, head, base, base + len(accounts) - 1
            )
            if entry is not None:
                self.store.write_batch(BatchWrite(entry, new_accounts=state.new_accounts))
        # New accounts start at zero balances: cached now, the first batch need not read them.
        self.cache.commit(head, state.accounts, state.balances)
        return BatchResult(results, head)

    def create_transfers(self, transfers: Sequence[Transfer]) -> BatchResult:
        with self._writing() as head:
            prepared = self.prepare_transfers(transfers, head)
            if prepared.write is not None:
                self.store.write_batch(prepared.write)
        # Committed: the cache's rows, which the batch updated in place, are the database's.
        self.cache.head = prepared.head
        return BatchResult(prepared.results, prepared.head)

    def expire_pending(self) -> int:
        """Release pending transfers whose timeout has passed (up to a batch); return how many.

        Batches release what is due before they run; this lets a timer do it when no batch comes.
        """
        with self._writing() as head:
            base = max(self.clock_ns(), head.last_timestamp + 1)
            due = self.store.due_expiries(base, EXPIRIES_PER_BATCH_MAX)
            if not due:
                return 0
            batch = self._load((), due)
            expired = batch.expire(due, base)
            last = base + len(expired) - 1
            entry, _ = chain_batch(len(expired), _expiry_records(expired), head, base, last)
            if entry is None:
                raise InvariantError("an expiry is journaled")
            self.store.write_batch(BatchWrite(entry, transfers=batch))
        return len(expired)

    def maintain(self, idle_s: float = LEDGER_IDLE_S) -> list[str]:
        """When no batch has come for `idle_s`, checkpoint the balance log, fold the per-account
        index and finish its merges in progress now, so that later batches need not (those
        batches make the p99).

        Returns what was done. None of it changes a balance or the journal: the account cache
        stays valid, and the inline triggers remain the bound when the ledger is never idle.
        """
        idle_ns = idle_s * NS_PER_S
        if self.clock_ns() - self.store.head().last_timestamp < idle_ns:
            return []  # busy: not even the write lock is taken
        with self._writing() as head:
            if self.clock_ns() - head.last_timestamp < idle_ns:
                return []  # a batch came in meanwhile
            done = self._flush(head, MAINTENANCE_FOLD_TRANSFERS_MIN)
            if self.store.finish_account_index_merges():
                done.append("account index runs merged")
        return done

    def flush(self) -> list[str]:
        """Write now what batches left for later: checkpoint the logged balances and fold the
        whole tail (the benchmark stops its clock after this)."""
        with self._writing() as head:
            return self._flush(head, 1)

    def _flush(self, head: JournalHead, fold_min: int) -> list[str]:
        done: list[str] = []
        store = self.store
        through, newest = store.balance_log_state()
        if newest > through:
            store.checkpoint_balances(head.height)
            done.append("balances checkpointed")
        tail = store.account_index_state()[1]
        if tail >= fold_min and store.fold_account_index():
            done.append("account index folded")
        return done

    def set_frozen(self, account_id: int, frozen: bool, reason: str) -> JournalHead:
        """Freeze or unfreeze an account (an operator action, journaled with its reason)."""
        with self._writing() as head:
            found = self.store.get_account(account_id)
            if found is None:
                raise NotFound(f"account {account_id} not found")
            if found[0].frozen == frozen:
                return head
            timestamp = max(self.clock_ns(), head.last_timestamp + 1)
            kind = RecordKind.FREEZE if frozen else RecordKind.UNFREEZE
            event = AccountEvent(timestamp, account_id, kind, reason)
            encoded = journal.encode_account_event(kind, account_id, timestamp)
            entry, head = chain_batch(1, encoded, head, timestamp, timestamp)
            if entry is None:
                raise InvariantError("a freeze is journaled")
            self.store.write_batch(BatchWrite(entry, account_events=(event,)))
            return head

    def get_account(self, account_id: int) -> AccountState | None:
        found = self.store.get_account(account_id)
        if found is None:
            return None
        record, (dp, dpo, cp, cpo) = found
        return AccountState(record.account, dp, dpo, cp, cpo, record.timestamp, record.frozen)

    def _load(self, transfers: Sequence[Transfer], due: Sequence[Transfer]) -> TransferBatch:
        """Set up the engine over every row the batch can touch: the stored transfers its
        events name (their ids: the idempotency check; their pending ids), the accounts, the
        pending states. The events are read first, so bad input changes nothing."""
        store = self.store
        batch = TransferBatch(self.cache.table)
        batch.prepare(transfers)
        batch.add_records(store.load_transfer_records(batch.referenced_keys()))
        batch.add_transfers(due)
        self._accounts(batch, due)
        pending = store.load_pending(batch.pending_ids() | {p.id for p in due})
        batch.add_pending_states(
            {i: (STATUS_CODES[r.status], r.expires_at) for i, r in pending.items()}
        )
        return batch

    def _accounts(self, batch: TransferBatch, due: Sequence[Transfer]) -> None:
        """Bring every account the batch needs into the cache's table.

        The batch updates the table in place: copying ~16,000 rows out and back cost ~17 ms a
        batch. This is safe because the cache lock is held for the whole write transaction, the
        cache is marked valid only after the commit (`create_transfers`), and any failure
        clears it (`_writing`).
        """
        cache = self.cache
        cache.head = None  # changed in place from here until the commit
        missing = batch.missing_accounts(due)
        if missing:
            if len(cache.table) + len(missing) > cache.entries_max:
                cache.clear()  # start over rather than grow without bound
                missing = batch.missing_accounts(due)
            cache.put(*self.store.load_accounts(missing))

    def prepare_transfers(
        self, transfers: Sequence[Transfer], head: JournalHead
    ) -> "PreparedBatch":
        """Validate and apply `transfers` in memory on top of `head`; write nothing.

        The caller holds the write lock (`_writing`), and the cache is valid at `head`.
        """
        base = max(self.clock_ns(), head.last_timestamp + 1)
        due = self.store.due_expiries(base, EXPIRIES_PER_BATCH_MAX)
        batch = self._load(transfers, due)
        expired = batch.expire(due, base)
        first_event = base + len(expired)
        results = batch.create(first_event)
        records = batch.records()
        last = first_event + len(transfers) - 1
        entry, new_head = chain_batch(
            len(expired) + batch.transfer_count,
            _expiry_records(expired) + records,
            head,
            base,
            last,
        )
        write = None if entry is None else BatchWrite(entry, transfers=batch, records=records)
        return PreparedBatch(results, batch, write, new_head)


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """A validated batch: its results, the engine's state and what committing it writes."""

    results: list[str]
    batch: TransferBatch
    write: BatchWrite | None
    """None when nothing changed (every event refused or `exists`): nothing to write."""
    head: JournalHead
    """The journal head once this batch is committed."""


def chain_batch(
    record_count: int,
    records: bytes,
    head: JournalHead,
    first_timestamp: int,
    last_timestamp: int,
) -> tuple[JournalEntry | None, JournalHead]:
    """The journal entry that chains a batch's records to `head`, and the head after it (pure);
    no entry when the batch changed nothing."""
    if record_count == 0:
        return None, head
    invariant(first_timestamp <= last_timestamp, "journal entry with no timestamps")
    invariant(first_timestamp > head.last_timestamp, "timestamps must increase")
    height = head.height + 1
    digest = journal.chain_hash(height, head.hash, record_count, records)
    entry = JournalEntry(
        height=height,
        hash=digest,
        previous_hash=head.hash,
        first_timestamp=first_timestamp,
        last_timestamp=last_timestamp,
        record_count=record_count,
        committed_at_ns=time.time_ns(),
    )
    return entry, JournalHead(height, digest, last_timestamp)


def _expiry_records(expired: Sequence[tuple[int, int]]) -> bytes:
    return b"".join(
        journal.encode_account_event(RecordKind.EXPIRY, pending_id, timestamp)
        for pending_id, timestamp in expired
    )
