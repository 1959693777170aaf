"""`digisom compliance lists|keys|audit|monitor ...`: sanctions lists in the database (load,
status), agency-bound officer keys, the audit log (verify, head) and the monitoring consumer.

`lists load` parses every file before storing any, stores each changed list as a new version and
re-screens every KYC subject (when the KYC master key is configured) and every registered address
against what changed; a malformed file exits with code 1 and stores nothing.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from digisom.audit.log import head, verify
from digisom.commands._common import DbOption, opened_store
from digisom.compliance import listdb
from digisom.compliance.keys import create_officer_key
from digisom.compliance.kyc.crypto import KeyService, key_service_from_env
from digisom.compliance.monitoring.config import default_config
from digisom.compliance.monitoring.consumer import run_until_caught_up, warm_up
from digisom.compliance.monitoring.engine import MonitoringEngine
from digisom.compliance.onboarding import rescreen_after_load
from digisom.errors import ConfigurationError, DigisomError

lists_app = typer.Typer(help="Sanctions lists stored in the database.", no_args_is_help=True)
keys_app = typer.Typer(help="Compliance API keys bound to an agency.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def _fail(error: DigisomError) -> typer.Exit:
    typer.echo(f"error: {error.message}", err=True)
    return typer.Exit(code=1)


def _keys() -> KeyService | None:
    try:
        return key_service_from_env()
    except ConfigurationError:
        return None


@lists_app.command("load")
def load(
    paths: Annotated[list[Path], typer.Argument(help="List files or OFAC folders.")],
    db: DbOption = None,
) -> None:
    """Store each list as a version (if its content changed) and re-screen against the diff."""
    with opened_store(db) as store:
        try:
            results = listdb.load_files(store, paths)
            keys = _keys()
            report = rescreen_after_load(store, keys, results)
        except DigisomError as error:
            raise _fail(error) from error
    out = {
        "lists": [
            {
                "source": r.source,
                "sha256": r.sha256,
                "stored": r.stored,
                "entries": len(r.version.entries),
            }
            for r in results
        ],
        "rescreen": {
            "names_screened": keys is not None,
            "changed_entries": report.entries_screened,
            "subjects": report.subjects_screened,
            "addresses": report.addresses_checked,
            "new_cases": report.new_cases,
        },
    }
    typer.echo(json.dumps(out, ensure_ascii=False))


@lists_app.command("status")
def status(db: DbOption = None) -> None:
    """The newest stored version of each list."""
    with opened_store(db) as store:
        found = listdb.status(store)
    rows = [
        {
            "source": v.source,
            "sha256": v.sha256,
            "entries": v.entry_count,
            "loaded_at": datetime.fromtimestamp(v.loaded_at_ns / 1e9, UTC).isoformat(),
            "version": v.id,
        }
        for v in found
    ]
    typer.echo(json.dumps({"lists": rows}))


@keys_app.command("officer")
def officer(
    agency: Annotated[str, typer.Option(help="Agency slug: fiu, central-bank, ...")],
    label: Annotated[str, typer.Option(help="Who holds the key.")] = "",
    db: DbOption = None,
) -> None:
    """Create a compliance-officer key bound to an agency; printed once."""
    with opened_store(db) as store:
        try:
            typer.echo(create_officer_key(store, agency, label))
        except DigisomError as error:
            raise _fail(error) from error


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Recompute the audit log's hash chain; exit 1 at the first entry that does not fit."""
    with opened_store(db) as store:
        result = verify(store)
    typer.echo(
        json.dumps(
            {
                "ok": result.ok,
                "entries": result.entries,
                "head": {"height": result.head.height, "hash": result.head.hash.hex()},
                "first_bad_height": result.first_bad_height,
                "reason": result.reason,
            }
        )
    )
    if not result.ok:
        raise typer.Exit(code=1)


@audit_app.command("head")
def audit_head(db: DbOption = None) -> None:
    """The audit log's head (height and hash), to record or anchor."""
    with opened_store(db) as store:
        found = head(store)
    typer.echo(json.dumps({"height": found.height, "hash": found.hash.hex()}))


def monitor(
    db: DbOption = None,
    lookback_s: Annotated[
        int, typer.Option(min=0, help="Replay this much history first to rebuild the windows.")
    ] = 86_400,
) -> None:
    """Run transaction monitoring over the ledger's new transfers until caught up; each alert
    becomes a case. Run it on a timer (or in a loop) as a consumer of the ledger."""
    with opened_store(db) as store:
        try:
            engine = MonitoringEngine(default_config())
            replayed = warm_up(store, engine, lookback_s * 10**9)
            done = run_until_caught_up(store, engine)
        except DigisomError as error:
            raise _fail(error) from error
    typer.echo(
        json.dumps(
            {
                "replayed": replayed,
                "transfers": done.transfers,
                "cases_opened": done.alerts,
                "offset": str(done.offset),
            }
        )
    )


def mount(app: typer.Typer) -> None:
    """Attach the groups to `digisom compliance`."""
    app.add_typer(lists_app, name="lists")
    app.add_typer(keys_app, name="keys")
    app.add_typer(audit_app, name="audit")
    app.command("monitor")(monitor)
