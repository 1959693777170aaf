"""The `digisom` command: one Typer app with a group per area (see `digisom.commands`)."""

import typer

from digisom.commands import bench, chain, compliance

app = typer.Typer(
    help="digisom: a sovereign platform for a national digital currency.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(bench.app, name="bench")
app.add_typer(chain.app, name="chain")
app.add_typer(compliance.app, name="compliance")


def main() -> None:
    """Entry point of the console script."""
    app()
