"""`digisom serve`: the API (and, later, the portal) on one port."""

from typing import Annotated

import typer

from digisom.api.auth import Role, create_key
from digisom.commands._common import DbOption
from digisom.config import Settings
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on")] = None,
    db: DbOption = None,
) -> None:
    """Start the platform. On first start with an empty database, create an admin key and
    print it once, with the address of the API docs."""
    import uvicorn

    from digisom.api.app import create_app

    settings = Settings()
    url = parse_database_url(db or settings.database_url)
    host = host or settings.host
    port = port or settings.port
    store = open_store(url)
    try:
        if store.count_api_keys() == 0:
            key = create_key(store, Role.ADMIN, "created by the first start of digisom serve")
            typer.echo("digisom: first start; an admin API key was created and is shown only now:")
            typer.echo(f"  {key}")
            typer.echo(f"  try it: http://{host}:{port}/docs  (Authorize -> paste the key)")
    finally:
        store.close()
    app = create_app(url, expiry_interval_s=settings.expiry_interval_s)
    typer.echo(f"digisom: serving {url.redacted()} on http://{host}:{port} (docs at /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info")
