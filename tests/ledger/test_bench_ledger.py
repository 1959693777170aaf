"""The ledger and payroll benchmarks run end to end on small sizes and report what they promise
(their speed is measured by `digisom bench`, not asserted here)."""

import pytest

from digisom.benchmarks import ledger as ledger_bench
from digisom.benchmarks.payroll import run_payroll_benchmark
from tests.conftest import POSTGRES_BASE_URL, postgres_schema_url


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_bench_ledger_reports_both_paths(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "postgres":
        for _ in postgres_schema_url():  # fails in CI, skips elsewhere, when there is no server
            pass
    monkeypatch.setattr(ledger_bench, "BASELINE_SECONDS_MAX", 0.2)
    report = ledger_bench.run_ledger_benchmark(kind, 300, 20_000, POSTGRES_BASE_URL)
    assert (report["db"], report["accounts"], report["transfers"]) == (kind, 300, 20_000)
    assert report["batch_size"] == 8190
    assert report["seconds"] >= report["final_maintenance_seconds"] > 0
    # seconds are rounded to the millisecond in the report, the rate is not
    assert report["transfers_per_s"] * report["seconds"] == pytest.approx(20_000, rel=0.02)
    assert 0 < report["batch_p50_ms"] <= report["batch_p99_ms"]
    assert report["baseline_transfers_per_s"] > 0 and report["baseline_transfers_measured"] > 0


def test_bench_payroll_pays_everyone_and_reports_the_deferred_work() -> None:
    report = run_payroll_benchmark(40, "sqlite", POSTGRES_BASE_URL)
    assert report["paid"] == report["recipients"] == 40
    assert report["seconds"] >= report["upload_seconds"] >= 0  # both rounded to 10 ms
    assert report["deferred_maintenance_seconds"] >= 0
