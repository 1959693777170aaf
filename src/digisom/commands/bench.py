"""`digisom bench ...`: speed measurements that print one JSON object each (not tests)."""

from typing import Annotated, Literal

import typer

from digisom.benchmarks import POSTGRES_BENCH_URL

app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)

BenchDb = Annotated[Literal["sqlite", "postgres"], typer.Option("--db", help="sqlite or postgres")]
PostgresUrl = Annotated[
    str,
    typer.Option(
        "--postgres-url",
        help="Server for --db postgres; the run uses a fresh schema and drops it",
    ),
]


@app.command("screening")
def screening(
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Sanctions screening quality (recall, false positives, cross-script) and throughput."""
    import json

    from digisom.benchmarks.screening import run_screening_benchmark

    typer.echo(json.dumps(run_screening_benchmark(), ensure_ascii=False))


@app.command("chain")
def chain(
    recipients: int = typer.Option(1000, help="Recipients in the measured DSOM batch payout."),
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Gas per recipient of a DSOM batch payout (new and existing holders) vs single transfers."""
    import json

    from digisom.benchmarks.chain import run_chain_benchmark

    typer.echo(json.dumps(run_chain_benchmark(recipients), sort_keys=True))


@app.command("ledger")
def ledger(
    db: BenchDb = "sqlite",
    accounts: int = typer.Option(100_000, "--accounts", min=2),
    transfers: int = typer.Option(1_000_000, "--transfers", min=1),
    postgres_url: PostgresUrl = POSTGRES_BENCH_URL,
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Batched create_transfers (8,190 a batch, durable) against one transaction per transfer."""
    import json

    from digisom.benchmarks.ledger import run_ledger_benchmark

    report = run_ledger_benchmark(db, accounts, transfers, postgres_url)
    typer.echo(json.dumps(report))


@app.command("por")
def por(
    leaves: int = typer.Option(7_000_000, help="Holders (leaves) in the synthetic snapshot."),
    workers: int = typer.Option(0, help="Build processes (0: automatic, 1 or 2)."),
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Proof of liabilities: sum tree build time, proof extraction and verification latency."""
    import json

    from digisom.benchmarks.por import run_por_benchmark

    result = run_por_benchmark(leaves, workers=workers or None)
    typer.echo(json.dumps(result, sort_keys=True))


@app.command("bridge")
def bridge(
    mints: int = typer.Option(1000, min=1, max=100_000, help="Issue requests to relay."),
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Mints confirmed per second through outbox, relayer and a local anvil (batched)."""
    import json

    from digisom.benchmarks.bridge import run_bridge_benchmark

    typer.echo(json.dumps(run_bridge_benchmark(mints), sort_keys=True))


@app.command("payroll")
def payroll(
    recipients: int = typer.Option(100_000, "--recipients", min=1, max=1_000_000),
    db: BenchDb = "sqlite",
    postgres_url: PostgresUrl = POSTGRES_BENCH_URL,
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """A Treasury payroll through the REST API: upload to every payment posted, in seconds."""
    import json

    from digisom.benchmarks.payroll import run_payroll_benchmark

    typer.echo(json.dumps(run_payroll_benchmark(recipients, db, postgres_url)))


@app.command("monitoring")
def monitoring(
    transfers: int = typer.Option(1_000_000, "--transfers", min=1000),
    accounts: int = typer.Option(100_000, "--accounts", min=1000),
    as_json: bool = typer.Option(True, "--json", help="Print JSON (the only output format)."),
) -> None:
    """Transfers per second through every monitoring rule and typology, on one core."""
    import json

    from digisom.benchmarks.monitoring import run_monitoring_benchmark

    typer.echo(json.dumps(run_monitoring_benchmark(transfers, accounts)))
