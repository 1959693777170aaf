"""`digisom por ...`: build a proof-of-liabilities snapshot from a file, verify proofs offline."""

from datetime import UTC, datetime
from pathlib import Path

import typer

from digisom.commands._common import DbOption, opened_store

app = typer.Typer(
    help="Proof of liabilities: Merkle sum tree snapshots and offline proof checks.",
    no_args_is_help=True,
)

EXIT_REFUSED = 2
"""Bad input: nothing was written."""
EXIT_REJECTED = 1
"""At least one proof was rejected."""


@app.command("build")
def build(
    holders: Path = typer.Option(..., "--holders", help="CSV with header uid,balance."),
    out: Path = typer.Option(..., "--out", help="New or empty directory for root and proofs."),
    snapshot: str = typer.Option(
        "", help="Snapshot time, ISO-8601 UTC (YYYY-MM-DDTHH:MM:SSZ); default: now."
    ),
    ledger_height: int = typer.Option(
        0, help="Ledger journal height the balances were read at (0: not from the ledger)."
    ),
) -> None:
    """Build the tree and write DIR/root.json and DIR/proofs/<uid>.json for every holder."""
    from digisom.errors import InvalidInput
    from digisom.reserve.por.holders import read_holders_csv
    from digisom.reserve.por.proof import snapshot_text
    from digisom.reserve.por.publish import build_snapshot, write_snapshot

    try:
        moment = datetime.now(UTC) if not snapshot else _parse_snapshot(snapshot)
        table = read_holders_csv(holders)
        built = build_snapshot(table, snapshot_text(moment), ledger_height)
        write_snapshot(built, out)
    except (InvalidInput, OSError) as error:
        typer.echo(f"refused, nothing written: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    root = built.root
    typer.echo(
        f"wrote {root.leaf_count} proofs and root.json to {out}: "
        f"root {root.hash.hex()} sum {root.sum_minor}"
    )


@app.command("verify")
def verify(
    proofs: list[Path] = typer.Argument(..., help="Proof files to check."),
    root: Path | None = typer.Option(
        None, "--root", help="Published root.json the proofs must match exactly."
    ),
    uid: str | None = typer.Option(None, "--uid", help="Reject proofs for any other uid."),
) -> None:
    """Verify proofs with the independent verifier; exit 1 if any is rejected."""
    from digisom.reserve.por.verify import verify_proof_json

    published = None
    if root is not None:
        try:
            published = root.read_bytes()
        except OSError as error:
            typer.echo(f"cannot read the published root {root}: {error.strerror}", err=True)
            raise typer.Exit(EXIT_REFUSED) from None
    rejected = 0
    for path in proofs:
        try:
            data = path.read_bytes()
        except OSError as error:
            typer.echo(f"REJECTED {path}: cannot read: {error.strerror}")
            rejected += 1
            continue
        verdict = verify_proof_json(data, published_root_json=published, expected_uid=uid)
        if verdict.accepted and verdict.root is not None:
            typer.echo(
                f"ACCEPTED {path}: uid {verdict.uid!r} balance {verdict.balance} "
                f"in root {verdict.root.hash.hex()} sum {verdict.root.sum}"
            )
        else:
            rejected += 1
            typer.echo(f"REJECTED {path}: {verdict.reason}")
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


def _parse_snapshot(text: str) -> datetime:
    """Accept only the spec's UTC form, so the root says exactly what the operator typed."""
    from digisom.errors import InvalidInput

    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InvalidInput(f"--snapshot {text!r} is not YYYY-MM-DDTHH:MM:SSZ") from None
    return moment.replace(tzinfo=UTC)


# -- from the ledger: snapshot, proof, anchor, keys --------------------------------------------
IssuerKeyOption = typer.Option(
    None,
    "--issuer-key",
    help="PEM file with the issuer's Ed25519 key (default: $DIGISOM_POR_ISSUER_KEY_FILE).",
)


@app.command("snapshot")
def snapshot_command(
    db: DbOption = None,
    anchor_rpc: str | None = typer.Option(
        None, "--anchor-rpc", help="EVM JSON-RPC URL to anchor the root on (key: chain rules)."
    ),
    issuer_key: Path | None = IssuerKeyOption,
    chain_rpc: list[str] = typer.Option(
        [],
        "--chain-rpc",
        help="JSON-RPC URL of a chain with bridged tokens (repeatable): their holders are "
        "counted instead of the escrow behind them.",
    ),
) -> None:
    """Snapshot every liability holder (ledger accounts, and token holders on the chains named),
    publish the signed root, anchor it."""
    from digisom.bridge.holders import onchain_holders
    from digisom.chain.client import connect
    from digisom.errors import DigisomError
    from digisom.reserve.anchor import signer_for
    from digisom.reserve.issuer import load_issuer_key
    from digisom.reserve.snapshots import AnchorTarget, publish_snapshot
    from digisom.storage.base import LedgerStore

    try:
        key = load_issuer_key(issuer_key)
        target = AnchorTarget(*signer_for(anchor_rpc)) if anchor_rpc else None
        chains = [connect(url) for url in chain_rpc]

        def extra(store: LedgerStore) -> list[tuple[str, int]]:
            owed: dict[str, int] = {}
            for w3 in chains:
                for address, balance in onchain_holders(store, w3):
                    owed[address] = owed.get(address, 0) + balance
            return sorted(owed.items())

        with opened_store(db) as store:
            stored = publish_snapshot(store, key, anchor=target, extra_holders=extra)
    except DigisomError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    anchor = (
        "not anchored" if stored.anchor_tx is None else f"anchored in 0x{stored.anchor_tx.hex()}"
    )
    typer.echo(
        f"root {stored.id}: {stored.root.hash.hex()} sum {stored.root.sum_minor} "
        f"leaves {stored.root.leaf_count} height {stored.root.ledger_height}, {anchor}"
    )


@app.command("anchor")
def anchor_command(
    root_id: int = typer.Option(..., "--root-id", help="A stored root not yet anchored."),
    anchor_rpc: str = typer.Option(..., "--anchor-rpc", help="EVM JSON-RPC URL."),
    db: DbOption = None,
) -> None:
    """Anchor a stored root whose anchoring failed or was skipped."""
    from digisom.errors import DigisomError
    from digisom.reserve.anchor import signer_for
    from digisom.reserve.snapshots import AnchorTarget, anchor_stored_root

    try:
        with opened_store(db) as store:
            done = anchor_stored_root(store, root_id, AnchorTarget(*signer_for(anchor_rpc)))
    except DigisomError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(f"root {root_id} anchored in 0x{done.tx_hash.hex()} (chain {done.chain_id})")


@app.command("proof")
def proof_command(
    uid: str = typer.Option(..., "--uid", help="The holder's uid (acct-<32 hex> for accounts)."),
    db: DbOption = None,
    root_id: int | None = typer.Option(None, "--root-id", help="Default: the newest root."),
) -> None:
    """Print the holder's inclusion proof (spec JSON) from a published snapshot."""
    from digisom.errors import DigisomError
    from digisom.reserve.por.proof import proof_to_json
    from digisom.reserve.snapshots import proof_for_uid

    try:
        with opened_store(db) as store:
            proof = proof_for_uid(store, uid, root_id)
    except DigisomError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(proof_to_json(proof).decode("ascii"))


@app.command("holder-key")
def holder_key_command(
    uid: str = typer.Option(..., "--uid", help="The holder uid the key may read proofs of."),
    db: DbOption = None,
) -> None:
    """Create a key that reads the proofs of one uid; printed once, alone on the last line."""
    from digisom.errors import DigisomError
    from digisom.reserve.por_store import create_holder_key

    try:
        with opened_store(db) as store:
            key = create_holder_key(store, uid)
    except DigisomError as error:
        typer.echo(f"refused: {error.message}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(f"holder key for {uid} (shown once, only its hash is stored):")
    typer.echo(key)


@app.command("issuer-key")
def issuer_key_command(
    out: Path = typer.Option(..., "--out", help="New file for the private key (mode 0600)."),
) -> None:
    """Generate the issuer's Ed25519 key into a new file; print the public key."""
    from digisom.errors import DigisomError
    from digisom.reserve.issuer import write_new_issuer_key

    try:
        public_key = write_new_issuer_key(out)
    except (DigisomError, OSError) as error:
        typer.echo(f"refused: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    typer.echo(f"issuer public key: {public_key.hex()}")
