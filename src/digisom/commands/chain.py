"""`digisom chain ...`: deploy the tokens and verify deployed code against the committed build."""

import json
from pathlib import Path
from typing import Annotated

import typer

from digisom.chain.client import connect
from digisom.chain.deploy import DSOM_DEFAULT, KGST_DEFAULT, Deployment, deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.limits import RESERVE_MAX_AGE_S_DEFAULT
from digisom.chain.profiles import resolve_profile
from digisom.chain.verify import verify_deployment
from digisom.commands._common import DbOption, opened_store
from digisom.errors import DigisomError

app = typer.Typer(help="Token contracts on BNB Chain or a local anvil.", no_args_is_help=True)


@app.command()
def deploy(
    profile: Annotated[str, typer.Option(help="local, bsc-testnet, bsc or custom")] = "local",
    rpc: Annotated[str | None, typer.Option(help="JSON-RPC URL (overrides the profile's)")] = None,
    chain_id: Annotated[int | None, typer.Option(help="chain id (custom profile)")] = None,
    key: Annotated[
        str | None, typer.Option(help="hex private key; local profile only (else keystore/env)")
    ] = None,
    keystore: Annotated[Path | None, typer.Option(help="encrypted keystore file")] = None,
    reserve_max_age_s: Annotated[int, typer.Option(help="KGST reserve report validity, s")] = (
        RESERVE_MAX_AGE_S_DEFAULT
    ),
    timelock_delay_s: Annotated[
        int | None, typer.Option(help="deploy a timelock with this delay to own both tokens")
    ] = None,
    timelock_proposer: Annotated[
        str | None, typer.Option(help="timelock proposer/executor, e.g. a multisig")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    db: DbOption = None,
) -> None:
    """Deploy KGST and DSOM; the signer holds every operational role of both. The addresses are
    recorded in the database as the chain's bridged tokens (with their ledger escrow accounts)."""
    try:
        chain_profile = resolve_profile(profile, rpc, chain_id)
        signer = load_signer(chain_profile, key, keystore)
        w3 = connect(chain_profile.rpc_url, chain_profile.chain_id)
        deployment = deploy_tokens(
            w3,
            signer,
            reserve_max_age_s=reserve_max_age_s,
            timelock_delay_s=timelock_delay_s,
            timelock_proposer=timelock_proposer,
        )
        _record(deployment, db)
    except DigisomError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(code=1) from error
    if as_json:
        typer.echo(json.dumps(deployment.to_json(), sort_keys=True))
        return
    typer.echo(f"chain {deployment.chain_id}: KGST {deployment.kgst}, DSOM {deployment.dsom}")
    if deployment.timelock:
        typer.echo(f"timelock (owner of both) {deployment.timelock}")


def _record(deployment: Deployment, db: str | None) -> None:
    """Register both tokens for the bridge; a chain that has them already keeps its record."""
    from digisom.bridge.screening import BlocklistScreen
    from digisom.bridge.service import BridgeService

    with opened_store(db) as store:
        service = BridgeService(store, BlocklistScreen(), deployment.chain_id)
        for symbol, address, decimals in (
            ("KGST", deployment.kgst, KGST_DEFAULT.decimals),
            ("DSOM", deployment.dsom, DSOM_DEFAULT.decimals),
        ):
            token = service.register_token(symbol, address, decimals, deployment.block_number)
            if token.address.lower() != address.lower():
                typer.echo(
                    f"note: chain {deployment.chain_id} already has {symbol} recorded at "
                    f"{token.address}; this deployment is not recorded",
                    err=True,
                )


@app.command()
def verify(
    rpc: Annotated[str, typer.Option(help="JSON-RPC URL")],
    kgst: Annotated[str, typer.Option(help="KGST address")],
    dsom: Annotated[str, typer.Option(help="DSOM address")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Check that the deployed code equals the committed build (exit code 1 if not)."""
    try:
        results = verify_deployment(connect(rpc), kgst, dsom)
    except DigisomError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(code=1) from error
    ok = all(result.matches for result in results)
    if as_json:
        payload = {
            "ok": ok,
            "contracts": [
                {
                    "contract": r.contract,
                    "address": r.address,
                    "matches": r.matches,
                    "reason": r.reason,
                }
                for r in results
            ],
        }
        typer.echo(json.dumps(payload, sort_keys=True))
    else:
        for result in results:
            mark = "ok" if result.matches else "MISMATCH"
            typer.echo(f"{result.contract} {result.address}: {mark} ({result.reason})")
    if not ok:
        raise typer.Exit(code=1)
