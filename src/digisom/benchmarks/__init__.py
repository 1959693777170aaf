"""Benchmark drivers behind `digisom bench ...`: each measures one target, returns a JSON dict.

They live inside the package (not in a top-level bench/ folder) so that an installed `digisom`
can run them; benchmarks are not tests and assert nothing about speed.
"""
