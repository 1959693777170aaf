"""`digisom ledger ...`: verify the ledger, show the journal head."""

import json

import typer

from digisom.commands._common import DbOption, opened_store
from digisom.ledger.verify import verify
from digisom.platform.issuance import check_issuance

app = typer.Typer(help="The sovereign ledger.", no_args_is_help=True)


@app.command("verify")
def verify_command(db: DbOption = None) -> None:
    """Check the journal hash chain, every balance, debits = credits, the balance flags, and that
    digital som in circulation equals the central bank's issuance liability.

    Prints a JSON report; exits 1 if anything is wrong.
    """
    with opened_store(db) as store:
        report = verify(store)
        issuance = check_issuance(store)
    for problem in issuance.problems:
        report.add(f"issuance: {problem}")
    typer.echo(
        json.dumps(
            {
                "ok": report.ok,
                "journal_height": report.journal_height,
                "journal_head": report.journal_head_hex,
                "accounts": report.accounts,
                "transfers": report.transfers,
                "ledgers": {str(k): v for k, v in report.ledgers.items()},
                "issuance": {
                    "issued_posted": str(issuance.issued_posted),
                    "circulation_posted": str(issuance.circulation_posted),
                    "issued_pending": str(issuance.issued_pending),
                    "circulation_pending": str(issuance.circulation_pending),
                },
                "problem_count": report.problem_count,
                "problems": report.problems,
            },
            indent=2,
        )
    )
    if not report.ok:
        typer.echo(f"ledger verification FAILED: {report.problem_count} problem(s)", err=True)
        raise typer.Exit(1)


@app.command("head")
def head_command(db: DbOption = None) -> None:
    """Print the journal head (height, hash, last timestamp) as JSON."""
    with opened_store(db) as store:
        h = store.head()
    typer.echo(
        json.dumps(
            {"height": h.height, "hash": h.hash.hex(), "last_timestamp": str(h.last_timestamp)}
        )
    )
