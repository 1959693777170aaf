"""`digisom bench ...`: speed measurements that print one JSON object each (not tests)."""

import typer

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)
