"""Code run in child processes by the concurrency tests (importable, so `spawn` can find it)."""

from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

SOURCE = 1
AMOUNT = 7


def drain(url: str, worker: int, batches: int, batch_size: int) -> int:
    """Try to move AMOUNT from the limited SOURCE account, over and over; return how many
    transfers the ledger accepted."""
    store = open_store(parse_database_url(url), migrate=False)
    try:
        ledger = Ledger(store)
        accepted = 0
        for b in range(batches):
            first = (worker * batches + b) * batch_size + 1_000
            transfers = [
                Transfer(first + i, SOURCE, 2 + (i % 3), AMOUNT, 417, 1) for i in range(batch_size)
            ]
            accepted += ledger.create_transfers(transfers).results.count("ok")
        return accepted
    finally:
        store.close()
