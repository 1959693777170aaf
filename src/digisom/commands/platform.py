"""`digisom platform ...`: operator tasks of the digital som platform run from a shell: paying a
disbursement file with a progress bar, and the subsidy clawback job."""

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from digisom.commands._common import DbOption, opened_store
from digisom.ledger.service import Ledger
from digisom.platform import disbursements, subsidies

app = typer.Typer(help="The digital som platform: disbursements, subsidies.", no_args_is_help=True)


@app.command("disburse")
def disburse(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or JSON file.")],
    payer: Annotated[str, typer.Option("--payer", help="The paying Treasury or agency.")],
    purpose: Annotated[str, typer.Option("--purpose", help="payroll, pension or benefit.")],
    db: DbOption = None,
) -> None:
    """Upload a disbursement file and pay every good row, showing progress per ledger batch.
    Running it again with the same file resumes the same disbursement and pays nobody twice."""
    if file.stat().st_size > disbursements.FILE_BYTES_MAX:
        raise typer.BadParameter(f"file over {disbursements.FILE_BYTES_MAX} bytes")
    content = file.read_bytes()
    with opened_store(db) as store:
        ledger = Ledger(store)
        uploaded, new = disbursements.upload(ledger, payer, purpose, file.name, content)
        good = uploaded.rows - uploaded.invalid
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ) as bar:
            task = bar.add_task("paying rows", total=good, completed=good - uploaded.waiting)

            def on_batch(progress: disbursements.Progress) -> None:
                bar.update(task, completed=good - progress.waiting)

            done = disbursements.run(ledger, uploaded.disbursement_id, on_batch=on_batch)
    typer.echo(
        json.dumps(
            {
                "disbursement_id": done.disbursement_id,
                "new": new,
                "rows": done.rows,
                "paid": done.paid,
                "paid_amount": str(done.paid_amount),
                "invalid": done.invalid,
                "refused": done.refused,
            }
        )
    )


@app.command("clawback")
def clawback(
    db: DbOption = None,
    programme: Annotated[
        str | None, typer.Option("--programme", help="Only this programme (must have expired).")
    ] = None,
) -> None:
    """Return the unspent rest of every expired subsidy programme to its payer (the scheduled
    job: safe to run as often as wanted, e.g. from cron every hour)."""
    with opened_store(db) as store:
        report = subsidies.clawback(Ledger(store), time.time_ns(), programme)
    typer.echo(
        json.dumps(
            {
                "programmes": report.programmes,
                "transfers": report.transfers,
                "amount": str(report.amount),
            }
        )
    )
