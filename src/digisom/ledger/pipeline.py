"""Batches in a pipeline: validate batch N+1 while batch N is written and committed.

A batch costs two kinds of time: Python validating and encoding it, and the database writing
and syncing it. `create_transfers` does them one after the other. For a stream of batches (a
bulk load, a payroll) this module overlaps them on two threads, as TigerBeetle pipelines
requests: the caller's thread prepares batch N+1 against the state batch N will leave (the
account cache, plus N's transfers and pending states as an overlay), while a writer thread with
its own connection commits batch N.

Correctness does not rest on the speculation. Every batch is committed in its own transaction
that first checks the database's journal head is the one the batch was prepared on; if another
writer got in between, the batch rolls back, the cache is dropped, and the remaining batches run
through `Ledger.create_transfers` one at a time, validated afresh. Results are yielded in order,
each once its batch is durable.
"""

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from digisom.errors import DigisomError
from digisom.ledger.cache import AccountCache
from digisom.ledger.model import Transfer
from digisom.ledger.service import BatchResult, Ledger, PreparedBatch
from digisom.storage.base import LedgerStore


class HeadMoved(DigisomError):
    """Another writer committed between preparing a batch and writing it."""


def _write(store: LedgerStore, prepared: PreparedBatch, expected_previous_hash: bytes) -> None:
    with store.write_transaction():
        head = store.head()
        if head.hash != expected_previous_hash:
            raise HeadMoved(f"journal head moved to height {head.height} while pipelining")
        if prepared.write is not None:
            store.write_batch(prepared.write)


def create_transfer_batches(
    ledger: Ledger, writer: LedgerStore, batches: Iterable[Sequence[Transfer]]
) -> Iterator[BatchResult]:
    """Apply `batches` in order, pipelined; yield one `BatchResult` per batch once committed.

    `writer` is a second connection to the same database as `ledger.store` (a connection is not
    shared between threads). The ledger's cache lock is held throughout, so other threads of
    this process wait; other processes are detected by the head check and handled.
    """
    remaining = iter(batches)
    cache = ledger.cache
    with cache.lock, ThreadPoolExecutor(1, thread_name_prefix="ledger-writer") as pool:
        head = ledger.store.head()
        cache.validate(head)
        in_flight: _InFlight | None = None
        for transfers in remaining:
            overlay = None if in_flight is None else in_flight.prepared.state
            prepared = ledger.prepare_transfers(transfers, head, overlay)
            if in_flight is not None:
                if not in_flight.landed(cache):
                    yield from _one_by_one(ledger, [in_flight.transfers, transfers], remaining)
                    return
                yield in_flight.result()
            cache.commit(prepared.head, prepared.state.accounts, prepared.state.balances)
            future = pool.submit(_write, writer, prepared, head.hash)
            in_flight = _InFlight(transfers, prepared, future)
            head = prepared.head
        if in_flight is not None:
            if not in_flight.landed(cache):
                yield from _one_by_one(ledger, [in_flight.transfers], remaining)
                return
            yield in_flight.result()


class _InFlight:
    """A batch handed to the writer thread."""

    __slots__ = ("future", "prepared", "transfers")

    def __init__(
        self, transfers: Sequence[Transfer], prepared: PreparedBatch, future: "Future[None]"
    ) -> None:
        self.transfers = transfers
        self.prepared = prepared
        self.future = future

    def landed(self, cache: AccountCache) -> bool:
        """Wait for the commit: True if it committed, False if another writer came first.

        Any other failure drops the speculative cache and propagates.
        """
        try:
            self.future.result()
        except HeadMoved:
            cache.clear()
            return False
        except BaseException:
            cache.clear()
            raise
        return True

    def result(self) -> BatchResult:
        return BatchResult(self.prepared.results, self.prepared.head)


def _one_by_one(
    ledger: Ledger,
    first: list[Sequence[Transfer]],
    rest: Iterator[Sequence[Transfer]],
) -> Iterator[BatchResult]:
    """After a conflict: every batch not yet committed, validated afresh, one at a time."""
    for transfers in first:
        yield ledger.create_transfers(transfers)
    for transfers in rest:
        yield ledger.create_transfers(transfers)
