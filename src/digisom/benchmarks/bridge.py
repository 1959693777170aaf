"""Mints confirmed per second through the bridge: issue requests -> outbox -> relayer -> anvil.

A fresh anvil (automine: one block per transaction) and a fresh SQLite file. The relayer works in
batches: each step signs up to `OPERATIONS_PER_STEP_MAX` queued mints with consecutive nonces in
one database transaction, broadcasts them all, and settles every mined one (posting the ledger
reservations) in one more. Confirmations = 1, since anvil does not reorganise.
"""

import tempfile
import time
from pathlib import Path
from typing import Any

from digisom.bridge.model import IssueRequest, OperationStatus
from digisom.bridge.relayer import Relayer
from digisom.bridge.screening import BlocklistScreen
from digisom.bridge.service import BridgeService
from digisom.chain.anvil import Anvil
from digisom.chain.artifacts import load_artifact
from digisom.chain.client import connect, send_transaction
from digisom.chain.deploy import deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from digisom.ledger.model import Account, AccountFlags, Transfer
from digisom.ledger.service import Ledger
from digisom.limits import LEDGER_KGS
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

MINTS_DEFAULT = 1000
STEPS_MAX = 10_000
BANK_ACCOUNT = 2
AMOUNT_MINOR = 100_00


def _setup(w3: Any, signer: Any) -> tuple[Any, int]:
    deployment = deploy_tokens(w3, signer)
    kgst = w3.eth.contract(address=deployment.kgst, abi=load_artifact("KGST").abi)
    send_transaction(w3, signer, kgst.functions.reportReserves(10**40))
    send_transaction(w3, signer, kgst.functions.configureMinter(signer.address, 10**40))
    return deployment.kgst, deployment.block_number


def run_bridge_benchmark(mints: int = MINTS_DEFAULT) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, Anvil() as node:
        w3 = connect(node.rpc_url, LOCAL_CHAIN_ID)
        signer = load_signer(resolve_profile("local", node.rpc_url))
        kgst, block = _setup(w3, signer)
        store = open_store(parse_database_url(f"sqlite:///{Path(folder) / 'bench.sqlite3'}"))
        try:
            service = BridgeService(store, BlocklistScreen(), LOCAL_CHAIN_ID)
            service.register_token("KGST", kgst, 18, block)
            ledger = Ledger(store)
            flags = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
            ledger.create_accounts([Account(1, LEDGER_KGS, 1), Account(2, LEDGER_KGS, 2, flags)])
            ledger.create_transfers([Transfer(1, 1, 2, 10**15, LEDGER_KGS, 1)])
            accounts: list[Any] = list(w3.eth.accounts)
            destinations = [str(address) for address in accounts[1:10]]
            started = time.perf_counter()
            for i in range(mints):
                to = destinations[i % len(destinations)]
                service.issue(IssueRequest(f"bench-{i}", "KGST", BANK_ACCOUNT, to, AMOUNT_MINOR))
            queued_s = time.perf_counter() - started
            relayer = Relayer(store, w3, signer, confirmations=1)
            steps = 0
            relay_started = time.perf_counter()
            while service.repository.count_operations(OperationStatus.CONFIRMED) < mints:
                relayer.step()
                steps += 1
                if steps >= STEPS_MAX:
                    raise RuntimeError("mints did not confirm")
            relay_s = time.perf_counter() - relay_started
            supply = int(
                w3.eth.contract(address=kgst, abi=load_artifact("KGST").abi)
                .functions.totalSupply()
                .call()
            )
        finally:
            store.close()
    return {
        "mints": mints,
        "database": "sqlite",
        "issue_requests_per_s": round(mints / queued_s, 1),
        "relay_steps": steps,
        "mints_confirmed_per_s": round(mints / relay_s, 1),
        "end_to_end_mints_per_s": round(mints / (queued_s + relay_s), 1),
        "supply_matches": supply == mints * AMOUNT_MINOR * 10**16,
    }
