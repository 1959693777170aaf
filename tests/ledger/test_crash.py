"""SIGKILL the real server in the middle of a load of batches, restart it, check everything.

Every batch the server acknowledged (HTTP 200) must be there after the restart; no batch may be
half-applied (each batch's transfers are all present or all absent); `verify` must pass.
"""

import signal
import threading
from pathlib import Path

import httpx
import pytest

from digisom.ledger.verify import verify
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.serving import free_port, start_server

BATCH_SIZE = 400
ACCOUNTS = 50
LOAD_BEFORE_KILL_S = 2.0
REQUEST_TIMEOUT_S = 30.0


def batch(number: int) -> list[dict[str, object]]:
    first = number * BATCH_SIZE + 1
    return [
        {
            "id": str(first + i),
            "debit_account_id": str(1 + (first + i) % ACCOUNTS),
            "credit_account_id": str(1 + (first + i + 1) % ACCOUNTS),
            "amount": "3",
            "ledger": 417,
            "code": 1,
        }
        for i in range(BATCH_SIZE)
    ]


@pytest.mark.slow
def test_sigkill_mid_load_loses_no_acknowledged_batch(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    server, key = start_server(db_url, port, log, ["--chain", "none"])
    assert key is not None, "first start prints an admin key"
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    acknowledged: list[int] = []
    attempted: list[int] = []
    try:
        accounts = [{"id": str(i), "ledger": 417, "code": 1} for i in range(1, ACCOUNTS + 1)]
        r = httpx.post(f"{base}/v1/ledger/accounts", json=accounts, headers=headers)
        assert r.status_code == 200
        killer = threading.Timer(LOAD_BEFORE_KILL_S, lambda: server.send_signal(signal.SIGKILL))
        killer.start()
        number = 0
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
            while True:
                attempted.append(number)
                try:
                    r = client.post(
                        f"{base}/v1/ledger/transfers", json=batch(number), headers=headers
                    )
                except httpx.TransportError:
                    break
                assert r.status_code == 200, r.text
                assert {e["result"] for e in r.json()} == {"ok"}
                acknowledged.append(number)
                number += 1
        killer.join()
    finally:
        server.kill()
        server.wait()
    assert len(acknowledged) >= 2, "the load ran before the kill"

    server, second_key = start_server(db_url, port, log, ["--chain", "none"])
    try:
        assert second_key is None, "a restart does not create another admin key"
        for number in acknowledged:
            last_id = (number + 1) * BATCH_SIZE
            r = httpx.get(f"{base}/v1/ledger/transfers/{last_id}", headers=headers)
            assert r.status_code == 200, f"acknowledged batch {number} lost"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    store = open_store(parse_database_url(db_url), migrate=False)
    try:
        present = store.count_rows("transfers")
        assert present % BATCH_SIZE == 0, "a batch was half-applied"
        assert len(acknowledged) * BATCH_SIZE <= present <= len(attempted) * BATCH_SIZE
        report = verify(store)
        assert report.ok, report.problems
    finally:
        store.close()
