"""`digisom admin ...`: API keys."""

from typing import Annotated

import typer

from digisom.commands._common import DbOption
from digisom.keys import Role, issue_key
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

app = typer.Typer(help="Administration: API keys.", no_args_is_help=True)


@app.command("create-key")
def create_key_command(
    role: Annotated[Role, typer.Option("--role", help="admin, operator or auditor")],
    label: Annotated[str, typer.Option("--label", help="Who or what the key is for")] = "",
    db: DbOption = None,
) -> None:
    """Create an API key; the key alone is printed on the last line, and only its hash is kept."""
    store = open_store(parse_database_url(db))
    try:
        key = issue_key(store, role, label, actor="command line", actor_role="operator")
    finally:
        store.close()
    typer.echo(f"created a {role.value} key; it is shown only now:", err=True)
    typer.echo(key)
