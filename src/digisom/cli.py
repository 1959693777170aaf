"""The `digisom` command: one Typer app with a group per area (see `digisom.commands`)."""

import typer

from digisom.commands import admin, bench, chain, compliance, demo, ledger, platform, por, serve
from digisom.commands import bridge as bridge_commands
from digisom.commands import export as export_commands
from digisom.commands import reserve as reserve_commands
from digisom.gc_tuning import tune_gc

app = typer.Typer(
    help="digisom: a sovereign platform for a national digital currency.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(ledger.app, name="ledger")
app.add_typer(admin.app, name="admin")
app.add_typer(bench.app, name="bench")
app.add_typer(chain.app, name="chain")
app.add_typer(compliance.app, name="compliance")
app.add_typer(por.app, name="por")
app.add_typer(reserve_commands.app, name="reserve")
app.command("export")(export_commands.export_command)
app.command("import")(export_commands.import_command)
app.command("demo")(demo.demo)
app.add_typer(platform.app, name="platform")
bridge_commands.mount(app)


def main() -> None:
    """Entry point of the console script."""
    tune_gc()
    app()
