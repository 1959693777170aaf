"""`digisom bench ledger`: batched create_transfers against a naive one-transaction-per-transfer
baseline, on the same database.

The batched path is the real one: 8,190 transfers a batch, every validation on, the hash chain
on, each batch committed durably; the time includes the final checkpoint of the balance log and
fold of the account index, so no write the batches caused is left out. The baseline does what a
straightforward service would: per transfer, BEGIN, read both accounts, check, insert, update
both balances, COMMIT.
"""

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from digisom.benchmarks import POSTGRES_BENCH_URL
from digisom.errors import invariant
from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import BatchResult, Ledger
from digisom.limits import BATCH_EVENTS_MAX, LEDGER_KGS
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

BASELINE_SECONDS_MAX = 10.0
"""The naive loop runs at most this long (or until it has done as many transfers as asked)."""
BASELINE_TRANSFERS_MAX = 100_000
"""The naive loop's transfers are built before its clock starts; it does ~3,000/s, so this many
outlast its time (building 5,000,000 inside the clock once used up the whole window)."""
FOLD_WAIT_S = 60.0
"""How long the final flush waits for a fold running in the background (PostgreSQL)."""
WALLET_CODE = 10
SEED = 417


@contextmanager
def _database(kind: str, postgres_url: str) -> Iterator[str]:
    """A fresh database for one run: a temporary SQLite file or a PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="digisom-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        return
    invariant(kind == "postgres", "kind is sqlite or postgres")
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _transfers(first_id: int, count: int, accounts: int, rng: random.Random) -> list[Transfer]:
    out = []
    for i in range(count):
        debit = rng.randrange(1, accounts + 1)
        credit = rng.randrange(1, accounts)
        credit += credit >= debit  # a different account, uniformly
        out.append(
            Transfer(first_id + i, debit, credit, rng.randrange(1, 1_000_000), LEDGER_KGS, 1)
        )
    return out


def run_ledger_benchmark(
    kind: str,
    accounts: int,
    transfers: int,
    postgres_url: str = POSTGRES_BENCH_URL,
) -> dict[str, Any]:
    """Measure both paths on one fresh database; return the JSON-ready figures."""
    rng = random.Random(SEED)
    with _database(kind, postgres_url) as url_text:
        url = parse_database_url(url_text)
        store = open_store(url)
        try:
            ledger = Ledger(store)
            for start in range(1, accounts + 1, BATCH_EVENTS_MAX):
                batch = [
                    Account(i, LEDGER_KGS, WALLET_CODE)
                    for i in range(start, min(start + BATCH_EVENTS_MAX, accounts + 1))
                ]
                invariant(set(ledger.create_accounts(batch).results) == {"ok"}, "accounts")
            batch_ms: list[float] = []
            batches = [
                _transfers(1 + done, min(BATCH_EVENTS_MAX, transfers - done), accounts, rng)
                for done in range(0, transfers, BATCH_EVENTS_MAX)
            ]
            started = time.perf_counter()
            _drain((ledger.create_transfers(b) for b in batches), batches, batch_ms)
            drained = time.perf_counter()
            # What the batches left for later (logged balances, unindexed transfers) is written
            # before the clock stops: the figure includes every write the batches caused.
            invariant(store.wait_for_background_fold(FOLD_WAIT_S), "the background fold ends")
            ledger.flush()
            elapsed_s = time.perf_counter() - started
            maintenance_s = time.perf_counter() - drained
            baseline_per_s, baseline_count = _naive_baseline(store, accounts, transfers, rng)
        finally:
            store.close()
    ordered = sorted(batch_ms)
    return {
        "benchmark": "ledger",
        "db": kind,
        "accounts": accounts,
        "transfers": transfers,
        "batch_size": BATCH_EVENTS_MAX,
        "seconds": round(elapsed_s, 3),
        "final_maintenance_seconds": round(maintenance_s, 3),
        "transfers_per_s": round(transfers / elapsed_s),
        "batch_p50_ms": round(statistics.median(ordered), 2),
        "batch_p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "baseline_transfers_per_s": round(baseline_per_s),
        "baseline_transfers_measured": baseline_count,
        "speedup": round(transfers / elapsed_s / baseline_per_s, 1),
    }


def _drain(
    results: Iterator[BatchResult], batches: list[list[Transfer]], batch_ms: list[float]
) -> None:
    """Consume the results, timing the gap between consecutive committed batches."""
    last = time.perf_counter()
    for batch, result in zip(batches, results, strict=True):
        now = time.perf_counter()
        batch_ms.append((now - last) * 1000)
        last = now
        invariant(result.results.count("ok") == len(batch), "every benchmark transfer succeeds")


def _naive_baseline(
    store: LedgerStore, accounts: int, transfers: int, rng: random.Random
) -> tuple[float, int]:
    """One SQL transaction per transfer, as a plain CRUD service would write it."""
    p = store.p
    first_id = 10**12
    count = 0
    candidates = _transfers(first_id, min(transfers, BASELINE_TRANSFERS_MAX), accounts, rng)
    started = time.perf_counter()
    for t in candidates:
        with store.write_transaction():
            rows = store._query(
                f"SELECT id, debits_posted, credits_posted FROM balances WHERE id IN ({p}, {p})",
                (b16(t.debit_account_id), b16(t.credit_account_id)),
            )
            invariant(len(rows) == 2, "both accounts exist")
            by_id = {int.from_bytes(r[0], "big"): r for r in rows}
            debit, credit = by_id[t.debit_account_id], by_id[t.credit_account_id]
            store._execute(
                f"INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, "
                f"code, flags, pending_id, timeout, user_data_128, user_data_64, user_data_32, "
                f"timestamp) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, 0, {p}, 0, {p}, {p}, 0, {p})",
                (
                    b16(t.id),
                    b16(t.debit_account_id),
                    b16(t.credit_account_id),
                    b16(t.amount),
                    t.ledger,
                    t.code,
                    b16(0),
                    b16(0),
                    bytes(8),
                    -(first_id + count),
                ),
            )
            new_debit = int.from_bytes(debit[1], "big") + t.amount
            new_credit = int.from_bytes(credit[2], "big") + t.amount
            store._execute(
                f"UPDATE balances SET debits_posted = {p} WHERE id = {p}",
                (b16(new_debit), b16(t.debit_account_id)),
            )
            store._execute(
                f"UPDATE balances SET credits_posted = {p} WHERE id = {p}",
                (b16(new_credit), b16(t.credit_account_id)),
            )
        count += 1
        if time.perf_counter() - started > BASELINE_SECONDS_MAX:
            break
    return count / (time.perf_counter() - started), count
