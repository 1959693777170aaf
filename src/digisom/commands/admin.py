"""`digisom admin ...`: API keys."""

from typing import Annotated

import typer

from digisom.commands._common import DbOption, opened_store
from digisom.keys import Role, issue_key

app = typer.Typer(help="Administration: API keys.", no_args_is_help=True)


@app.command("create-key")
def create_key_command(
    role: Annotated[Role, typer.Option("--role", help="admin, operator or auditor")],
    label: Annotated[str, typer.Option("--label", help="Who or what the key is for")] = "",
    db: DbOption = None,
) -> None:
    """Create an API key; the key alone is printed on the last line, and only its hash is kept."""
    with opened_store(db) as store:
        key = issue_key(store, role, label, actor="command line", actor_role="operator")
    typer.echo(f"created a {role.value} key; it is shown only now:", err=True)
    typer.echo(key)
