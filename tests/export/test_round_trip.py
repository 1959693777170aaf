"""Export a SQLite platform (ledger + proof-of-liabilities + reserve records) to Parquet or CSV,
import it into PostgreSQL (or SQLite), and check it is the same platform: equal journal head,
`verify` passes, equal rows, and a holder's proof from the new database verifies."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digisom.cli import app
from digisom.errors import InvalidInput
from digisom.export.dump import export_rows
from digisom.export.load import import_all
from digisom.export.tables import ALL_TABLES
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.reserve.holdings import Holding, Source
from digisom.reserve.issuer import load_issuer_key, write_new_issuer_key
from digisom.reserve.liabilities import account_uid
from digisom.reserve.por.proof import proof_to_json, root_to_json
from digisom.reserve.por.verify import verify_proof_json
from digisom.reserve.por_store import create_holder_key, get_root
from digisom.reserve.reserve_store import add_holding
from digisom.reserve.snapshots import proof_for_uid, publish_snapshot
from digisom.storage.base import LedgerStore
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.conftest import postgres_schema_url
from tests.reserve.ledger_support import ALICE_ID, BANK_RESERVE_ID, seed_ledger


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema_url()


def _source_platform(url: str, tmp_path: Path) -> None:
    key_path = tmp_path / "issuer.pem"
    write_new_issuer_key(key_path)
    store = open_store(parse_database_url(url))
    try:
        ledger = Ledger(store)
        seed_ledger(ledger)
        ledger.set_frozen(ALICE_ID, True, "court order 12/2026 — frozen pending review")
        publish_snapshot(store, load_issuer_key(key_path))
        create_holder_key(store, account_uid(ALICE_ID))
        add_holding(
            store,
            Holding("backing:KGST", "KGS", 2, Source.LEDGER, ledger_account_id=BANK_RESERVE_ID),
        )
        add_holding(
            store,
            Holding("crypto", "BTC", 8, Source.MANUAL, amount_units=7, evidence="statement ''"),
        )
    finally:
        store.close()


def _table_rows(store: LedgerStore) -> dict[str, list[tuple[object, ...]]]:
    rows = {}
    with store.read_snapshot():
        for table in ALL_TABLES:
            rows[table.name] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in export_rows(store, table)
            ]
    return rows


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_sqlite_to_postgres(
    sqlite_url: str, postgres_url: str, tmp_path: Path, file_format: str
) -> None:
    _source_platform(sqlite_url, tmp_path)
    out = tmp_path / "export"
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(out), "--format", file_format, "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rows"]["transfers"] == 9 and summary["rows"]["por_leaves"] == 5
    assert (out / f"accounts.{file_format}").exists() and out.stat().st_mode & 0o077 == 0

    result = runner.invoke(app, ["import", str(out), "--db", postgres_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verify_ok"] is True

    source = open_store(parse_database_url(sqlite_url))
    target = open_store(parse_database_url(postgres_url))
    try:
        assert target.head() == source.head()
        assert target.head().height == summary["journal_height"]
        assert verify(target).ok
        assert _table_rows(target) == _table_rows(source)
        # The rebuilt platform serves the same proof and keeps numbering its own records.
        root = get_root(target)
        proof = proof_to_json(proof_for_uid(target, account_uid(ALICE_ID)))
        assert verify_proof_json(proof, published_root_json=root_to_json(root.root)).accepted
        new_id = add_holding(
            target, Holding("crypto", "ETH", 18, Source.MANUAL, amount_units=1, evidence="x")
        )
        assert new_id == 3
    finally:
        source.close()
        target.close()


def test_import_refusals(sqlite_url: str, tmp_path: Path) -> None:
    _source_platform(sqlite_url, tmp_path)
    out = tmp_path / "export"
    runner = CliRunner()
    assert runner.invoke(app, ["export", str(out), "--db", sqlite_url]).exit_code == 0
    again = runner.invoke(app, ["export", str(out), "--db", sqlite_url])
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
    bad = runner.invoke(
        app, ["export", str(tmp_path / "x"), "--format", "xlsx", "--db", sqlite_url]
    )
    assert bad.exit_code == 2 and "is not one of parquet, csv" in bad.output

    # Into a database that already has a ledger: refused, nothing changed.
    refused = runner.invoke(app, ["import", str(out), "--db", sqlite_url])
    assert refused.exit_code == 2 and "not empty" in refused.output

    empty_url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    (out / "journal.parquet").write_bytes((out / "journal.parquet").read_bytes() + b"x")
    tampered = runner.invoke(app, ["import", str(out), "--db", empty_url])
    assert tampered.exit_code == 2 and "does not match its SHA-256" in tampered.output
    store = open_store(parse_database_url(empty_url))
    try:
        assert store.count_rows("accounts") == 0
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["tables"]["journal"]["sha256"] = "0" * 64
        (out / "manifest.json").write_text(json.dumps(manifest))
        with pytest.raises(InvalidInput, match=r"journal\.parquet does not match"):
            import_all(store, out)
    finally:
        store.close()


def test_head_mismatch_rolls_back(sqlite_url: str, tmp_path: Path) -> None:
    _source_platform(sqlite_url, tmp_path)
    out = tmp_path / "export"
    assert CliRunner().invoke(app, ["export", str(out), "--db", sqlite_url]).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["journal"]["hash"] = "ab" * 32
    (out / "manifest.json").write_text(json.dumps(manifest))
    store = open_store(parse_database_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    try:
        with pytest.raises(InvalidInput, match="journal head differs"):
            import_all(store, out)
        assert store.count_rows("transfers") == 0 and store.count_rows("por_roots") == 0
    finally:
        store.close()
