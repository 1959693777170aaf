"""`digisom reserve ...`: the reserve registry, valuations, proofs of control, reserve reports."""

import json
from pathlib import Path

import typer

from digisom.commands._common import DbOption, opened_store

app = typer.Typer(
    help="Reserves: holdings, prices, valuations, address control, KGST reserve reports.",
    no_args_is_help=True,
)

EXIT_REFUSED = 2
"""Bad input or an unreachable source: nothing was stored."""


def _refuse(error: Exception) -> typer.Exit:
    typer.echo(f"refused, nothing stored: {getattr(error, 'message', error)}", err=True)
    return typer.Exit(EXIT_REFUSED)


@app.command("add-holding")
def add_holding_command(
    portfolio: str = typer.Option(..., help="crypto, or backing:<TOKEN> (e.g. backing:KGST)."),
    asset: str = typer.Option(..., help="Asset code: KGS, BTC, ETH, BNB, USDT..."),
    decimals: int = typer.Option(..., help="Decimals of the asset's base unit (KGS 2, BTC 8)."),
    source: str = typer.Option(..., help="ledger, evm-native, erc20 or manual."),
    chain_id: int | None = typer.Option(None, help="EVM chain id (evm-native, erc20)."),
    address: str | None = typer.Option(None, help="Holding address."),
    token_contract: str | None = typer.Option(None, help="ERC-20 contract (erc20)."),
    ledger_account_id: int | None = typer.Option(None, help="Ledger account (ledger)."),
    amount_units: int | None = typer.Option(None, help="Amount in base units (manual)."),
    evidence: str = typer.Option("", help="What a manual amount rests on."),
    db: DbOption = None,
) -> None:
    """Register one reserve holding."""
    from digisom.errors import DigisomError
    from digisom.reserve.holdings import Holding, parse_source
    from digisom.reserve.reserve_store import add_holding

    try:
        holding = Holding(
            portfolio,
            asset,
            decimals,
            parse_source(source),
            chain_id,
            address,
            token_contract,
            ledger_account_id,
            amount_units,
            evidence,
        )
        with opened_store(db) as store:
            holding_id = add_holding(store, holding)
    except DigisomError as error:
        raise _refuse(error) from None
    typer.echo(f"holding {holding_id} registered")


@app.command("value")
def value_command(
    prices: Path | None = typer.Option(None, "--prices", help="Prices JSON file (offline)."),
    binance: str | None = typer.Option(None, "--binance", help="Binance API base URL."),
    rpc: list[str] = typer.Option([], "--rpc", help="EVM RPC URL to read balances (repeat)."),
    kgst: str | None = typer.Option(None, "--kgst", help="KGST address on the first --rpc."),
    db: DbOption = None,
) -> None:
    """Value every holding now, store the valuation with its prices, print it as JSON."""
    from digisom.chain.client import connect
    from digisom.errors import DigisomError
    from digisom.reserve.appraise import appraise
    from digisom.reserve.price_feeds import BinanceFeed
    from digisom.reserve.prices import FilePriceFeed, PriceFeed
    from digisom.reserve.report import token_supply_minor
    from digisom.reserve.reserve_store import valuation_details

    try:
        feeds: list[PriceFeed] = []
        if prices is not None:
            feeds.append(FilePriceFeed(prices))
        if binance is not None:
            feeds.append(BinanceFeed(binance))
        clients = [connect(url) for url in rpc]
        chains = {int(w3.eth.chain_id): w3 for w3 in clients}
        supplies = {}
        if kgst is not None:
            if not clients:
                raise _refuse(ValueError("--kgst needs an --rpc"))
            supplies["KGST"] = token_supply_minor(clients[0], kgst)
        with opened_store(db) as store:
            done = appraise(store, feeds, chains, supplies)
    except DigisomError as error:
        raise _refuse(error) from None
    details = valuation_details(done.valuation)
    typer.echo(json.dumps({"valuation_id": done.valuation_id, **details}, indent=1))


@app.command("history")
def history_command(limit: int = typer.Option(20, min=1, max=1000), db: DbOption = None) -> None:
    """Stored valuations, newest first, as JSON."""
    from digisom.reserve.reserve_store import valuation_history

    with opened_store(db) as store:
        typer.echo(json.dumps(valuation_history(store, limit), indent=1))


@app.command("attest-message")
def attest_message_command(
    address: list[str] = typer.Option(..., "--address", help="Reserve address (repeat)."),
    round_id: str | None = typer.Option(None, "--round", help="Default: a new round."),
) -> None:
    """Print this round's message for each address, to be signed with personal_sign."""
    from digisom.errors import DigisomError
    from digisom.reserve.attest import attestation_message, new_round_id

    chosen = round_id or new_round_id()
    try:
        messages = {a: attestation_message(chosen, a) for a in address}
    except DigisomError as error:
        raise _refuse(error) from None
    typer.echo(json.dumps({"round": chosen, "messages": messages}, indent=1))


@app.command("attest")
def attest_command(
    round_id: str = typer.Option(..., "--round"),
    address: str = typer.Option(..., "--address"),
    signature: str = typer.Option(
        ..., "--signature", help="0x personal_sign signature (EVM) or base64 BIP 137 (BTC)."
    ),
    db: DbOption = None,
) -> None:
    """Verify and record one address's signature of this round's message."""
    from digisom.errors import DigisomError
    from digisom.reserve.attest import submit_btc_attestation, submit_evm_attestation

    try:
        with opened_store(db) as store:
            if address.startswith("0x"):
                submit_evm_attestation(store, round_id, address, signature)
            else:
                submit_btc_attestation(store, round_id, address, signature)
    except DigisomError as error:
        raise _refuse(error) from None
    typer.echo(f"{address}: control proven for round {round_id}")


@app.command("report")
def report_command(
    rpc: str = typer.Option(..., "--rpc", help="RPC of the chain KGST lives on."),
    kgst: str = typer.Option(..., "--kgst", help="KGST contract address."),
    db: DbOption = None,
) -> None:
    """Report the newest valuation's KGST backing to KGST (`reportReserves`)."""
    from digisom.errors import DigisomError, NotFound
    from digisom.reserve.anchor import signer_for
    from digisom.reserve.report import report_reserves
    from digisom.reserve.reserve_store import valuation_history

    try:
        with opened_store(db) as store:
            newest = valuation_history(store, 1)
        if not newest:
            raise NotFound("no valuation is stored: run `digisom reserve value` first")
        backing = int(newest[0]["backing_som_minor"])
        w3, signer = signer_for(rpc)
        units = report_reserves(w3, signer, kgst, backing)
    except DigisomError as error:
        raise _refuse(error) from None
    typer.echo(f"reported {units} token units ({backing} tyiyn) from valuation {newest[0]['id']}")
