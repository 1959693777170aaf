"""`digisom por ...`: build a proof-of-liabilities snapshot from a file, verify proofs offline."""

from datetime import UTC, datetime
from pathlib import Path

import typer

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
