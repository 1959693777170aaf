"""`digisom demo`: seed a national scenario and play one day, so a first start shows a living
system. `make run` calls it with `--if-empty` before `digisom serve`."""

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from digisom.commands._common import DbOption, opened_store
from digisom.ledger.service import Ledger
from digisom.platform import demo as scenario
from digisom.platform.issuance import check_issuance


def _som(tyiyn: int) -> str:
    """Integer tyiyn as som with two decimals, computed in integers (never a float)."""
    return f"{tyiyn // 100:,}.{tyiyn % 100:02d}"


def _table(summary: scenario.Summary, circulation: int, seconds: float) -> Table:
    table = Table(title=f"digisom demo: one day in the digital som ({seconds:.1f} s)")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("som", justify="right")
    table.add_column("refused", justify="right")
    for kind, count in sorted(summary.participants.items()):
        table.add_row(f"participants: {kind}", f"{count:,}", "", "")
    for tier, count in sorted(summary.wallets.items()):
        table.add_row(f"wallets: {tier}", f"{count:,}", "", "")
    for what in sorted(summary.amounts):
        count = summary.counts.get(what, 0)
        refused = summary.refused.get(what, 0)
        table.add_row(
            what, f"{count:,}" if count else "", _som(summary.amounts[what]), str(refused)
        )
    table.add_row("digital som in circulation", "", _som(circulation), "")
    return table


def demo(
    db: DbOption = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has participants.")
    ] = False,
    citizens: Annotated[
        int, typer.Option(min=2, max=scenario.CITIZENS_MAX, help="Citizens with wallets.")
    ] = scenario.CITIZENS_DEFAULT,
    businesses: Annotated[
        int, typer.Option(min=2, max=scenario.BUSINESSES_MAX, help="Businesses (merchants).")
    ] = scenario.BUSINESSES_DEFAULT,
) -> None:
    """Seed the central bank, 3 banks, the Treasury, 2 ministries, businesses and citizens, then
    run a payroll day, taxes, P2P and QR merchant payments, and a subsidy with its clawback.
    Deterministic and idempotent: a second run moves nothing and prints the same table."""
    console = Console()
    with opened_store(db) as store:
        if if_empty and scenario.has_participants(store):
            console.print("digisom demo: the database already has participants; nothing to do.")
            return
        started = time.perf_counter()
        summary = scenario.run(Ledger(store), citizens, businesses)
        seconds = time.perf_counter() - started
        report = check_issuance(store)
    console.print(_table(summary, report.circulation_posted, seconds))
    if not report.ok:
        console.print(f"issuance check FAILED: {report.problems}")
        raise typer.Exit(1)
