"""The benchmark driver runs end to end on a small tree and reports what it promises."""

from digisom.benchmarks.por import run_por_benchmark


def test_benchmark_reports_build_and_verify_figures() -> None:
    result = run_por_benchmark(3000, workers=2)
    assert result["leaves"] == 3000
    assert result["workers"] == 2
    assert result["depth"] == 12
    assert result["root_sum_is_total"] is True
    assert result["proofs_sampled"] == 1000
    for key in ("build_s", "verify_ms_p50", "verify_ms_p99", "proof_extract_ms_p50"):
        assert result[key] > 0
    assert result["verify_ms_p50"] <= result["verify_ms_p99"]
