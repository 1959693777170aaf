"""Pipelined batches give exactly what one-at-a-time batches give, and survive other writers."""

import random
from collections.abc import Iterator, Sequence

from digisom.ledger.model import AccountFlags, Transfer, TransferFlags
from digisom.ledger.pipeline import create_transfer_batches
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.ledger.conftest import ManualClock
from tests.ledger.helpers import account, post, transfer, void

ACCOUNTS = 12


def random_batches(seed: int, count: int, size: int) -> list[list[Transfer]]:
    """Plain, pending, posting, voiding and linked transfers, many of them refused."""
    rng = random.Random(seed)
    batches: list[list[Transfer]] = []
    next_id = 1_000
    pendings: list[int] = []
    for _ in range(count):
        batch: list[Transfer] = []
        for _ in range(size):
            next_id += 1
            kind = rng.random()
            if kind < 0.15 and pendings:
                resolve = post if rng.random() < 0.6 else void
                batch.append(resolve(next_id, rng.choice(pendings)))
                continue
            debit = rng.randrange(1, ACCOUNTS + 1)
            credit = rng.randrange(1, ACCOUNTS + 1)
            flags = 0
            if kind < 0.35:
                flags |= TransferFlags.PENDING
                pendings.append(next_id)
            if rng.random() < 0.1:
                flags |= TransferFlags.LINKED
            batch.append(transfer(next_id, debit, credit, rng.randrange(1, 900), flags=flags))
        batches.append(batch)
    return batches


def setup(db_url: str, clock: ManualClock) -> Ledger:
    ledger = Ledger(open_store(parse_database_url(db_url)), clock_ns=clock)
    limited = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    ledger.create_accounts(
        [account(99)] + [account(i, flags=limited) for i in range(1, ACCOUNTS + 1)]
    )
    ledger.create_transfers([transfer(i, 99, i, 5_000) for i in range(1, ACCOUNTS + 1)])
    return ledger


def test_pipelined_equals_one_at_a_time(db_url: str, tmp_path: object) -> None:
    batches = random_batches(seed=7, count=12, size=40)
    reference_url = f"sqlite:///{tmp_path}/reference.sqlite3"
    reference = setup(reference_url, ManualClock())
    expected = [reference.create_transfers(b).results for b in batches]

    ledger = setup(db_url, ManualClock())
    writer = open_store(parse_database_url(db_url), migrate=False)
    try:
        got = [r.results for r in create_transfer_batches(ledger, writer, batches)]
    finally:
        writer.close()
    assert got == expected
    assert ledger.store.head() == reference.store.head(), "same journal, hash for hash"
    for i in range(1, ACCOUNTS + 1):
        assert ledger.get_account(i) == reference.get_account(i)
    assert verify(ledger.store).ok
    reference.store.close()
    ledger.store.close()


def test_another_writer_between_batches_is_detected_and_nothing_overdraws(db_url: str) -> None:
    clock = ManualClock()
    ledger = setup(db_url, clock)
    other = Ledger(open_store(parse_database_url(db_url), migrate=False), clock_ns=clock)
    writer = open_store(parse_database_url(db_url), migrate=False)
    spend_all = [transfer(5_000 + i, 1, 2, 1_000) for i in range(3)]

    def batches() -> Iterator[Sequence[Transfer]]:
        yield spend_all[:1]
        # While batch 1 is being committed, another process spends account 1's money.
        assert other.create_transfers([transfer(4_000, 1, 3, 3_500)]).results == ["ok"]
        yield spend_all[1:]
        yield [transfer(6_000, 2, 3, 10)]

    try:
        results = [r.results for r in create_transfer_batches(ledger, writer, batches())]
    finally:
        writer.close()
    # 5,000 in account 1: after 1,000 and the other writer's 3,500, neither 1,000 fits. Batch 2
    # was prepared before the other write landed (it would have passed both, and overwritten the
    # other writer's balance): the head check caught it, and it was validated afresh.
    assert results == [["ok"], ["exceeds_credits", "exceeds_credits"], ["ok"]]
    state = ledger.get_account(1)
    assert state is not None and state.debits_posted == 4_500
    report = verify(ledger.store)
    assert report.ok, report.problems
    other.store.close()
    ledger.store.close()
