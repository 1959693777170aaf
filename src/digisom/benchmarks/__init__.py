"""Benchmark drivers behind `digisom bench ...`: each measures one target, returns a JSON dict.

They live inside the package (not in a top-level bench/ folder) so that an installed `digisom`
can run them; benchmarks are not tests and assert nothing about speed.
"""

POSTGRES_BENCH_URL = "postgresql://postgres@127.0.0.1:5432/test"
"""The PostgreSQL server benchmarks use by default; each run takes a fresh schema and drops it."""
