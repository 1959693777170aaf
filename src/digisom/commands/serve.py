"""`digisom serve`: the API (and, later, the portal) on one port."""

import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from digisom.commands._common import DbOption
from digisom.config import Settings
from digisom.keys import Role, issue_key
from digisom.storage.factory import open_store
from digisom.storage.urls import DEFAULT_DATA_DIR, parse_database_url


def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on")] = None,
    db: DbOption = None,
    chain: Annotated[
        str,
        typer.Option(
            "--chain",
            help="local: start and manage an anvil node (state kept in the data directory), "
            "deploy the tokens on first start and run the bridge; none: no chain",
        ),
    ] = "local",
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Where the local chain keeps its state")
    ] = DEFAULT_DATA_DIR,
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
            key = issue_key(
                store,
                Role.ADMIN,
                "created by the first start of digisom serve",
                actor="digisom serve",
                actor_role="operator",
            )
            typer.echo("digisom: first start; an admin API key was created and is shown only now:")
            typer.echo(f"  {key}")
            typer.echo(f"  try it: http://{host}:{port}/docs  (Authorize -> paste the key)")
    finally:
        store.close()
    if chain not in ("local", "none"):
        raise typer.BadParameter("--chain is local or none")
    local_chain = None
    if chain == "local":
        from digisom.bridge.runtime import start_local_chain

        local_chain = start_local_chain(url, data_dir / "anvil")
        verb = "deployed" if local_chain.deployed_now else "found"
        typer.echo(
            f"digisom: local chain at {local_chain.rpc_url}; {verb} KGST {local_chain.kgst} "
            f"and DSOM {local_chain.dsom}"
        )
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets the
    # `finally` below stop the chain cleanly (anvil writes its state dump when told to stop).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        app = create_app(
            url,
            expiry_interval_s=settings.expiry_interval_s,
            clawback_interval_s=settings.clawback_interval_s,
            maintenance_interval_s=settings.maintenance_interval_s,
        )
        if local_chain is not None:
            from digisom.chain.client import connect
            from digisom.web.sources import PublicSources, chain_payouts

            app.state.public_sources = PublicSources(
                payouts=chain_payouts(connect(local_chain.rpc_url))
            )
        typer.echo(f"digisom: serving {url.redacted()} on http://{host}:{port} (docs at /docs)")
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if local_chain is not None:
            local_chain.stop()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
