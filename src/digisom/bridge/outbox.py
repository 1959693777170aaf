"""The durable outbox: a chain operation and its pending ledger transfer commit together.

An outbox row is written in the same database transaction as the ledger's pending transfer that
reserves its som, and resolved (posted or voided) in the same transaction that marks the row
final. So there is never a reservation without an operation to finish it, nor an operation whose
money was not reserved, whatever crashes in between.

The ledger opens its own write transaction for every batch; inside the bridge's transaction
that one joins it (see `LedgerStore.write_transaction`), so the pending transfer and the outbox row
commit together or not at all. The ledger's account cache is dropped if the enclosing
transaction rolls back (it is also validated against the journal head on every batch, so a stale
entry could never be used).
"""

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from digisom.bridge import ids
from digisom.bridge.model import Operation, OperationStatus
from digisom.bridge.repository import BridgeRepository
from digisom.errors import DigisomError, InvalidInput, invariant
from digisom.ledger.model import CreateTransferResult, Transfer, TransferFlags
from digisom.ledger.service import Ledger
from digisom.storage.base import LedgerStore

_SUCCESS = (CreateTransferResult.OK.value, CreateTransferResult.EXISTS.value)


class LedgerRefused(DigisomError):
    """The ledger refused the pending transfer (e.g. exceeds_credits); nothing was written."""

    def __init__(self, message: str, result: str) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an in-flight operation ended: posted (`succeeded`) or voided."""

    operation: Operation
    succeeded: bool
    mined_block: int | None
    error: str | None


def request_hash(*fields: object) -> bytes:
    """A digest of a request's fields: a retry must repeat them exactly to count as the same."""
    return hashlib.sha256("\x1f".join(str(f) for f in fields).encode("utf-8")).digest()


class Outbox:
    """Writes and resolves outbox operations, each with its two-phase ledger transfer."""

    def __init__(self, store: LedgerStore) -> None:
        self.store = store
        self.repository = BridgeRepository(store)
        self.ledger = Ledger(store)

    @contextmanager
    def transaction(self) -> Iterator[BridgeRepository]:
        """One write transaction (holding the ledger's lock); rolls back unless it completes."""
        try:
            with self.store.write_transaction():
                yield self.repository
        except BaseException:
            self.ledger.cache.clear()
            raise

    def enqueue(self, operation: Operation, digest: bytes, pending: Transfer) -> bool:
        """Inside `transaction()`: reserve the som and write the operation; False if it exists.

        An operation with the same id and the same request digest is the same request retried:
        nothing is written. The same id with other fields is a client error.
        """
        invariant(pending.flags == TransferFlags.PENDING, "the reservation is a pending transfer")
        invariant(pending.timeout == 0, "a reservation in flight on chain must never expire")
        invariant(pending.id == operation.pending_transfer_id, "operation names its transfer")
        found = self.repository.operation(operation.id)
        if found is not None:
            if found[1] != digest:
                raise InvalidInput(
                    "idempotency key already used for a different request "
                    "(exists_with_different_fields)"
                )
            return False
        result = self.ledger.create_transfers([pending]).results[0]
        if result not in _SUCCESS:
            raise LedgerRefused(f"the ledger refused the reservation: {result}", result)
        self.repository.insert_operation(operation, digest)
        return True

    def resolve(self, outcomes: Sequence[Outcome]) -> None:
        """Inside `transaction()`: post or void each operation's reservation and mark it final."""
        if not outcomes:
            return
        transfers = [_resolution(o) for o in outcomes]
        results = self.ledger.create_transfers(transfers).results
        for outcome, result in zip(outcomes, results, strict=True):
            # The reservation never expires and only the bridge resolves it, so this cannot fail.
            invariant(result in _SUCCESS, f"resolving operation failed in the ledger: {result}")
            status = OperationStatus.CONFIRMED if outcome.succeeded else OperationStatus.FAILED
            self.repository.update_operation(
                outcome.operation.id,
                status=status,
                mined_block=outcome.mined_block,
                error=outcome.error,
            )


def _resolution(outcome: Outcome) -> Transfer:
    operation = outcome.operation
    if outcome.succeeded:
        transfer_id = ids.post_transfer_id(operation.id)
        flags = TransferFlags.POST_PENDING_TRANSFER
    else:
        transfer_id = ids.void_transfer_id(operation.id)
        flags = TransferFlags.VOID_PENDING_TRANSFER
    return Transfer(
        id=transfer_id,
        debit_account_id=0,
        credit_account_id=0,
        amount=0,
        ledger=0,
        code=0,
        flags=flags,
        pending_id=operation.pending_transfer_id,
    )
