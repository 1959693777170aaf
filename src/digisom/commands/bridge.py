"""`digisom bridge ...` (and `digisom chain reconcile`): run and check the ledger-chain bridge."""

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from digisom.bridge.limits import CONFIRMATIONS_DEFAULT, CONFIRMATIONS_MAX
from digisom.bridge.model import IssueRequest
from digisom.bridge.screening import BlocklistScreen, EveryScreen
from digisom.commands._common import DbOption, opened_store
from digisom.errors import DigisomError

app = typer.Typer(help="The exactly-once bridge between the ledger and the chain.")

RpcOption = Annotated[str, typer.Option("--rpc", help="JSON-RPC URL of the chain")]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON object")]
BlocklistOption = Annotated[
    Path | None, typer.Option("--blocklist", help="file of blocked addresses, one a line")
]
STEPS_MAX = 1_000_000
INTERVAL_S_MIN = 0.1
EXIT_GAP = 1
"""The reconciler found a gap (an alert row was written)."""
EXIT_REFUSED = 2
"""Bad input, or refused by screening or the ledger: nothing was moved."""


def _fail(error: DigisomError) -> typer.Exit:
    typer.echo(f"error: {error.message}", err=True)
    return typer.Exit(code=EXIT_REFUSED)


def _screen(store: Any, blocklist: Path | None) -> EveryScreen:
    """The sanctions lists (address files and lists in the database), then the blocklist."""
    from digisom.compliance.bridge_screen import SanctionsAddressScreen

    operator = BlocklistScreen.from_file(blocklist) if blocklist else BlocklistScreen()
    return EveryScreen(SanctionsAddressScreen.load(store), operator)


def _service(store: Any, rpc: str, screen: Any) -> Any:
    """The bridge service for the chain at `rpc` (its chain id read from the node)."""
    from digisom.bridge.service import BridgeService
    from digisom.chain.client import connect

    return BridgeService(store, screen, int(connect(rpc).eth.chain_id))


@app.command("reconcile")
def reconcile(rpc: RpcOption, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check totalSupply == escrow balance for every token; exit 1 (and alert) on a gap."""
    from digisom.bridge.reconciler import reconcile as run_reconcile
    from digisom.chain.client import connect

    try:
        with opened_store(db) as store:
            results = run_reconcile(store, connect(rpc))
    except DigisomError as error:
        raise _fail(error) from error
    ok = all(r.ok for r in results)
    if as_json:
        payload = {"ok": ok, "tokens": [r.to_json() for r in results]}
        typer.echo(json.dumps(payload, sort_keys=True))
    else:
        for r in results:
            mark = "ok" if r.ok else "GAP"
            typer.echo(f"{r.symbol}: supply {r.total_supply_units} gap {r.gap_units} {mark}")
    if not ok:
        raise typer.Exit(code=EXIT_GAP)


@app.command("register-token")
def register_token(
    rpc: RpcOption,
    symbol: Annotated[str, typer.Option(help="KGST or DSOM")],
    address: Annotated[str, typer.Option(help="token contract address")],
    decimals: Annotated[int, typer.Option(help="token decimals")],
    start_block: Annotated[int, typer.Option(help="deployment block (indexing starts there)")],
    db: DbOption = None,
) -> None:
    """Register a token and create its escrow account in the ledger (retry-safe)."""
    try:
        with opened_store(db) as store:
            service = _service(store, rpc, BlocklistScreen())
            token = service.register_token(symbol, address, decimals, start_block)
    except DigisomError as error:
        raise _fail(error) from error
    typer.echo(f"{token.symbol} {token.address}: escrow account {token.escrow_account_id}")


@app.command("register-holder")
def register_holder(
    rpc: RpcOption,
    address: Annotated[str, typer.Option(help="holder's address")],
    account: Annotated[int, typer.Option(help="ledger account paid on redemption")],
    db: DbOption = None,
) -> None:
    """Name the ledger account that redemptions from an address are paid to."""
    try:
        with opened_store(db) as store:
            service = _service(store, rpc, BlocklistScreen())
            service.register_holder(address, account)
    except DigisomError as error:
        raise _fail(error) from error


@app.command("issue")
def issue(
    rpc: RpcOption,
    key: Annotated[str, typer.Option(help="idempotency key of the request")],
    symbol: Annotated[str, typer.Option(help="KGST or DSOM")],
    from_account: Annotated[int, typer.Option(help="ledger account the som come from")],
    to: Annotated[str, typer.Option(help="destination address")],
    amount_minor: Annotated[int, typer.Option(help="amount in tyiyn")],
    db: DbOption = None,
    blocklist: BlocklistOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reserve the som and queue the mint (`bridge run` sends it); safe to repeat."""
    try:
        with opened_store(db) as store:
            service = _service(store, rpc, _screen(store, blocklist))
            request = IssueRequest(key, symbol, from_account, to, amount_minor)
            result = service.issue(request)
    except DigisomError as error:
        raise _fail(error) from error
    payload = {"operation_id": str(result.operation_id), "created": result.created}
    typer.echo(json.dumps(payload) if as_json else f"operation {result.operation_id}")


@app.command("run")
def run(
    rpc: RpcOption,
    db: DbOption = None,
    profile: Annotated[str, typer.Option(help="chain profile for the signing key")] = "local",
    confirmations: Annotated[
        int, typer.Option(min=1, max=CONFIRMATIONS_MAX, help="blocks before acting")
    ] = CONFIRMATIONS_DEFAULT,
    steps: Annotated[int, typer.Option(min=1, max=STEPS_MAX, help="rounds to run")] = 1,
    interval_s: Annotated[float, typer.Option(min=INTERVAL_S_MIN, help="pause between")] = 1.0,
    blocklist: BlocklistOption = None,
    as_json: JsonOption = False,
) -> None:
    """Relayer, indexer and reconciler rounds; exit 1 if the last reconciliation found a gap."""
    from digisom.bridge.indexer import Indexer
    from digisom.bridge.reconciler import reconcile as run_reconcile
    from digisom.bridge.relayer import Relayer
    from digisom.chain.client import connect
    from digisom.chain.keys import load_signer
    from digisom.chain.profiles import resolve_profile

    try:
        chain_profile = resolve_profile(profile, rpc)
        w3 = connect(rpc, chain_profile.chain_id)
        signer = load_signer(chain_profile)
        with opened_store(db) as store:
            relayer = Relayer(store, w3, signer, confirmations)
            indexer = Indexer(store, w3, signer.address, _screen(store, blocklist), confirmations)
            for round_index in range(steps):
                sent = relayer.step()
                seen = indexer.step()
                if round_index + 1 < steps:
                    time.sleep(interval_s)
            results = run_reconcile(store, w3)
    except DigisomError as error:
        raise _fail(error) from error
    ok = all(r.ok for r in results)
    summary = {
        "relayer": {"signed": sent.signed, "confirmed": sent.confirmed, "failed": sent.failed},
        "indexer": {
            "head": seen.head,
            "applied": seen.applied,
            "rolled_back": seen.rolled_back_blocks,
        },
        "reconciled": ok,
    }
    typer.echo(json.dumps(summary, sort_keys=True) if as_json else str(summary))
    if not ok:
        raise typer.Exit(code=EXIT_GAP)


def mount(root: typer.Typer) -> None:
    """Add `digisom bridge ...` and `digisom chain reconcile` to the root command."""
    from digisom.commands import chain

    root.add_typer(app, name="bridge")
    chain.app.command("reconcile")(reconcile)
