"""`digisom bench monitoring`: transfers per second through every monitoring rule, on one core.

A synthetic day-scale stream (random payments between 100,000 wallets over three days) with
planted typologies: structuring just under the threshold, pass-through mules, fan-out, a dormant
wallet waking, and high-risk counterparties. Transfers are built before the clock starts; the
measured part is `MonitoringEngine.process_all` alone, as in the streaming consumer. The planted
accounts let the benchmark also report whether each typology was caught.
"""

import gc
import random
import time
from typing import Any

from digisom.compliance.monitoring.config import NS_PER_S, default_config
from digisom.compliance.monitoring.engine import MonitoringEngine
from digisom.ledger.model import Transfer

SOM = 100
START_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z
SPAN_S = 3 * 86_400
HIGH_RISK_ACCOUNT = 9_000_001
STRUCTURER, MULE, FANNER, SLEEPER = 9_000_010, 9_000_020, 9_000_030, 9_000_040


def _planted(ts0: int) -> list[tuple[int, int, int, int]]:
    """(timestamp, debit, credit, amount) of the suspicious patterns."""
    planted: list[tuple[int, int, int, int]] = []
    minute = 60 * NS_PER_S
    for i in range(4):  # four payments of 950,000 som in an afternoon
        planted.append((ts0 + i * 30 * minute, STRUCTURER, 10 + i, 950_000 * SOM))
    for i in range(25):  # 25 senders into the mule, then out again
        planted.append((ts0 + i * minute, 100 + i, MULE, 10_000 * SOM))
    planted.append((ts0 + 40 * minute, MULE, HIGH_RISK_ACCOUNT, 240_000 * SOM))
    planted.append((ts0, 400, FANNER, 200_000 * SOM))  # one inflow, fanned out to 25 payees
    for i in range(25):
        planted.append((ts0 + (i + 1) * minute, FANNER, 200 + i, 7_000 * SOM))
    planted.append((START_NS, SLEEPER, 300, 1_000 * SOM))
    planted.append((START_NS + 200 * 86_400 * NS_PER_S, SLEEPER, 301, 2_000_000 * SOM))
    return planted


def build_stream(transfers: int, accounts: int, seed: int = 7) -> list[Transfer]:
    """Random payments with strictly increasing timestamps, plus the planted patterns."""
    rng = random.Random(seed)
    step_ns = SPAN_S * NS_PER_S // transfers
    rows = [
        (
            START_NS + i * step_ns,
            rng.randrange(1, accounts),
            rng.randrange(1, accounts),
            int(10 ** rng.uniform(2, 5)) * SOM,
        )
        for i in range(transfers)
    ]
    rows += _planted(START_NS + SPAN_S * NS_PER_S // 2)
    rows.sort()
    out: list[Transfer] = []
    last = 0
    for n, (ts, debit, credit, amount) in enumerate(rows, start=1):
        last = max(ts, last + 1)
        if debit != credit:
            out.append(Transfer(n, debit, credit, amount, 417, 1, timestamp=last))
    return out


def run_monitoring_benchmark(transfers: int = 1_000_000, accounts: int = 100_000) -> dict[str, Any]:
    """Build the stream, then time the engine alone (wall clock and CPU)."""
    stream = build_stream(transfers, accounts)
    engine = MonitoringEngine(default_config(), {HIGH_RISK_ACCOUNT: "ir"})
    gc.collect()
    gc.freeze()  # the prebuilt input stream is not engine state: keep the collector off it
    started, started_cpu = time.perf_counter(), time.process_time()
    alerts = engine.process_all(stream)
    elapsed_s = time.perf_counter() - started
    cpu_s = time.process_time() - started_cpu
    gc.unfreeze()
    caught: dict[int, list[str]] = {}
    for alert in alerts:
        caught.setdefault(alert.account_id, []).append(alert.typology)
    return {
        "benchmark": "monitoring",
        "transfers": len(stream),
        "accounts": accounts,
        "rules": len(engine.detectors),
        "typologies": len(engine.config.typologies),
        "elapsed_s": round(elapsed_s, 3),
        "cpu_s": round(cpu_s, 3),
        "transfers_per_s": int(len(stream) / elapsed_s),
        "transfers_per_cpu_s": int(len(stream) / cpu_s),
        "alerts": len(alerts),
        "planted_caught": {
            "structuring": caught.get(STRUCTURER),
            "mule": caught.get(MULE),
            "fan_out": caught.get(FANNER),
            "dormant": caught.get(SLEEPER),
        },
        "target_transfers_per_s": 50_000,
    }
