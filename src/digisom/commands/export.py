"""`digisom export` and `digisom import`: the platform's data in open formats, and back."""

import json
from pathlib import Path

import typer

from digisom.commands._common import DbOption, opened_store

EXIT_PROBLEM = 1
"""The import loaded, but `verify` found a problem in the rebuilt ledger."""
EXIT_REFUSED = 2
"""Bad input: nothing was written."""


def export_command(
    directory: Path = typer.Argument(..., help="New or empty directory for the files."),
    file_format: str = typer.Option("parquet", "--format", help="parquet or csv."),
    db: DbOption = None,
) -> None:
    """Write the whole ledger and the reserve records to DIR (Parquet or CSV + manifest.json)."""
    from digisom.errors import DigisomError
    from digisom.export.dump import export_all

    try:
        with opened_store(db) as store:
            summary = export_all(store, directory, file_format)
    except (DigisomError, OSError) as error:
        typer.echo(f"refused, nothing written: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(
        json.dumps(
            {
                "directory": str(summary.directory),
                "journal_height": summary.journal_height,
                "journal_hash": summary.journal_hash,
                "rows": summary.rows,
            }
        )
    )


def import_command(
    directory: Path = typer.Argument(..., help="A directory written by `digisom export`."),
    db: DbOption = None,
) -> None:
    """Rebuild an empty database from an export, then verify the ledger; exit 1 if it fails."""
    from digisom.errors import DigisomError
    from digisom.export.load import import_all
    from digisom.ledger.verify import verify

    try:
        with opened_store(db) as store:
            manifest = import_all(store, directory)
            report = verify(store)
    except (DigisomError, OSError) as error:
        typer.echo(f"refused, nothing imported: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(
        json.dumps(
            {
                "journal": manifest["journal"],
                "verify_ok": report.ok,
                "problems": report.problems[:20],
            }
        )
    )
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEM)
