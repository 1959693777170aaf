"""Proof-of-liabilities speed (`digisom bench por`): tree build time, proof extraction and check.

The build is timed from holders in memory (uids, balances) to a finished tree, fresh salts
included; generating the synthetic holders and writing proof files are not. Then a sample of
holders is drawn: for each, the proof is extracted and serialized (timed as extraction) and checked
by the independent verifier from its JSON bytes against the published root (timed as verify).
`build_cpu_s` is the CPU time of the build over all its processes: unlike `build_s`, it barely
depends on other processes on the machine, whose effect shows in the load average reported too.
"""

import os
import random
import resource
import statistics
import time
from typing import Any

from digisom.errors import InvalidInput
from digisom.reserve.por.limits import LEAF_COUNT_MAX
from digisom.reserve.por.proof import (
    proof_for_position,
    proof_to_json,
    published_root,
    root_to_json,
)
from digisom.reserve.por.tree import build_tree, choose_workers
from digisom.reserve.por.verify import verify_proof_json

SAMPLE_PROOFS = 1000
"""Proofs extracted and verified for the latency figures."""
BALANCE_MINOR_MAX = 10**12
"""Synthetic balances up to 10 billion som: realistic sizes for the u64 encoding."""


def run_por_benchmark(leaves: int, seed: int = 1, workers: int | None = None) -> dict[str, Any]:
    """Build a tree of `leaves` synthetic holders and time it; see the module docstring."""
    if not 1 <= leaves <= LEAF_COUNT_MAX:
        raise InvalidInput(f"--leaves must be 1 to {LEAF_COUNT_MAX}")
    rng = random.Random(seed)
    uid_bytes = [b"holder-%d" % index for index in range(leaves)]
    balances = [rng.randrange(BALANCE_MINOR_MAX) for _ in range(leaves)]
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_s()
    started = time.perf_counter()
    tree = build_tree(uid_bytes, balances, workers=workers)
    build_s = time.perf_counter() - started
    build_cpu_s = _cpu_s() - cpu_before
    load_after = os.getloadavg()[0]
    root = published_root(tree, "2026-11-24T00:00:00Z", 0)
    published = root_to_json(root)
    extract_ms, verify_ms, sizes = [], [], []
    for holder in rng.sample(range(leaves), min(SAMPLE_PROOFS, leaves)):
        started = time.perf_counter()
        data = proof_to_json(proof_for_position(tree, root, tree.position_of(holder)))
        extract_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        verdict = verify_proof_json(data, published_root_json=published)
        verify_ms.append((time.perf_counter() - started) * 1000)
        if not verdict.accepted:
            raise AssertionError(f"benchmark proof rejected: {verdict.reason}")
        sizes.append(len(data))
    return {
        "leaves": leaves,
        "workers": choose_workers(leaves, workers),
        "depth": tree.depth,
        "build_s": round(build_s, 3),
        "build_cpu_s": round(build_cpu_s, 3),
        "proof_extract_ms_p50": round(_percentile(extract_ms, 50), 4),
        "proof_extract_ms_p99": round(_percentile(extract_ms, 99), 4),
        "verify_ms_p50": round(_percentile(verify_ms, 50), 4),
        "verify_ms_p99": round(_percentile(verify_ms, 99), 4),
        "proof_bytes_mean": round(statistics.fmean(sizes)),
        "proofs_sampled": len(sizes),
        "root_sum_is_total": tree.root_sum_minor == sum(balances),
        "peak_rss_mb_parent": _peak_rss_mb(resource.RUSAGE_SELF),
        "peak_rss_mb_children": _peak_rss_mb(resource.RUSAGE_CHILDREN),
        "cpu_count": os.cpu_count(),
        "load_average_1m_before": round(load_before, 2),
        "load_average_1m_after": round(load_after, 2),
    }


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _cpu_s() -> float:
    """CPU seconds used by this process and its finished children (the build's workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _peak_rss_mb(who: int) -> int:
    """Peak resident memory in MiB (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(who).ru_maxrss / 1024)
