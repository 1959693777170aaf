"""`digisom bench payroll`: a Treasury payroll of N rows through the REST API, from the upload of
the CSV to every payment posted in the ledger, on a fresh database.

Setup (central bank, a bank, the Treasury, N citizens with tier-1 wallets, issuance) is not timed.
Timed: POST /v1/disbursements (the file as the body: parse, judge every row, store the rows) and
POST /v1/disbursements/{id}/run (every ledger batch and row verdict), through FastAPI's
TestClient, so routing, auth and JSON are included; the network stack is not.
"""

import time
from typing import Any

from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.benchmarks.ledger import _database
from digisom.errors import invariant
from digisom.ledger.service import Ledger
from digisom.platform import access, db, issuance, participants
from digisom.platform.access import PlatformRole
from digisom.platform.records import Kind, Participant
from digisom.platform.tiers import SOM
from digisom.platform.wallets import WalletSpec, open_wallets
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

SALARY_TYIYN = 35_000 * SOM
"""About the average monthly wage in Kyrgyzstan."""


def _seed(ledger: Ledger, recipients: int) -> str:
    """Institutions, citizens and wallets; returns a Treasury key."""
    for pid, kind in (
        ("nbkr", Kind.CENTRAL_BANK),
        ("bank-1", Kind.BANK),
        ("treasury", Kind.TREASURY),
    ):
        participants.register(ledger, Participant(pid, kind, pid.upper()))
    total = recipients * SALARY_TYIYN
    issuance.credit_reserve(ledger, "treasury", total, "bench")
    issuance.issue(ledger, "treasury", total, "bench")
    citizens = [
        (Participant(f"c-{i:07d}", Kind.CITIZEN, f"citizen {i}", "bank-1"), None)
        for i in range(recipients)
    ]
    db.insert_participants(ledger.store, citizens)
    specs = [WalletSpec(f"w-{i:07d}", f"c-{i:07d}", "tier1") for i in range(recipients)]
    open_wallets(ledger, "bank-1", specs)
    # The setup's own deferred work is part of the setup: its logged balances (the wallets'
    # limit allowances, ~54,000 accounts) are checkpointed here, not inside the timed payroll.
    store = ledger.store
    with store.write_transaction():
        store.checkpoint_balances(store.head().height)
    return access.create_key(store, PlatformRole.GOVERNMENT, "treasury")


def run_payroll_benchmark(recipients: int, kind: str, postgres_url: str) -> dict[str, Any]:
    with _database(kind, postgres_url) as raw_url:
        url = parse_database_url(raw_url)
        store = open_store(url)
        started = time.perf_counter()
        key = _seed(Ledger(store), recipients)
        setup_s = time.perf_counter() - started
        store.close()
        lines = ["wallet_id,national_id,amount,reference"]
        lines.extend(f"w-{i:07d},,{SALARY_TYIYN},SAL-2026-11-{i:07d}" for i in range(recipients))
        content = ("\n".join(lines) + "\n").encode()
        headers = {"Authorization": f"Bearer {key}"}
        with TestClient(create_app(url)) as client:
            started = time.perf_counter()
            r = client.post(
                "/v1/disbursements",
                headers=headers,
                content=content,
                params={"payer_id": "treasury", "purpose": "payroll", "file_name": "nov.csv"},
            )
            invariant(r.status_code == 201, f"upload failed: {r.text[:300]}")
            uploaded_s = time.perf_counter() - started
            d = r.json()["disbursement_id"]
            r = client.post(f"/v1/disbursements/{d}/run", headers=headers)
            seconds = time.perf_counter() - started
        body = r.json()
        invariant(body["paid"] == recipients, f"not every row was paid: {body}")
        # What the payroll left logged or unindexed, which `serve` writes once the ledger is
        # idle: reported apart, since the payroll's requests did not wait for it.
        store = open_store(url)
        try:
            started = time.perf_counter()
            Ledger(store).flush()
            deferred_s = time.perf_counter() - started
        finally:
            store.close()
    return {
        "benchmark": "payroll",
        "db": kind,
        "recipients": recipients,
        "file_bytes": len(content),
        "setup_seconds": round(setup_s, 2),
        "upload_seconds": round(uploaded_s, 2),
        "seconds": round(seconds, 2),
        "payments_per_second": round(recipients / seconds),
        "deferred_maintenance_seconds": round(deferred_s, 2),
        "paid": body["paid"],
    }
