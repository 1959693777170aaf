"""The `digisom` commands that touch the database: keys, verify, head."""

import json

from typer.testing import CliRunner

from digisom.cli import app
from digisom.keys import Role, authenticate
from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import Ledger
from digisom.platform.accounts import Code
from digisom.storage.codec import b16
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

runner = CliRunner()


def test_create_key_prints_the_key_alone_on_its_last_line(db_url: str) -> None:
    result = runner.invoke(app, ["admin", "create-key", "--role", "auditor", "--db", db_url])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("dsk_") and " " not in key
    store = open_store(parse_database_url(db_url), migrate=False)
    try:
        assert authenticate(store, key) is Role.AUDITOR
    finally:
        store.close()


def test_create_key_refuses_an_unknown_role(sqlite_url: str) -> None:
    result = runner.invoke(app, ["admin", "create-key", "--role", "king", "--db", sqlite_url])
    assert result.exit_code != 0


def seed(db_url: str) -> Ledger:
    ledger = Ledger(open_store(parse_database_url(db_url)))
    ledger.create_accounts([Account(1, 417, Code.CB_ISSUANCE), Account(2, 417, Code.BANK_DIGITAL)])
    ledger.create_transfers([Transfer(10, 1, 2, 5_000, 417, 1)])
    return ledger


def test_verify_passes_on_a_sound_ledger_and_prints_the_head(db_url: str) -> None:
    seed(db_url).store.close()
    result = runner.invoke(app, ["ledger", "verify", "--db", db_url])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["journal_height"] == 2
    assert report["issuance"]["issued_posted"] == report["issuance"]["circulation_posted"] == "5000"
    head = json.loads(runner.invoke(app, ["ledger", "head", "--db", db_url]).stdout)
    assert head["height"] == 2 and head["hash"] == report["journal_head"]


def test_verify_exits_1_and_names_the_problem(db_url: str) -> None:
    ledger = seed(db_url)
    # Digital som that appears without issuance: a reserve account pays a wallet directly.
    ledger.create_accounts([Account(3, 417, Code.BANK_RESERVE), Account(4, 417, Code.WALLET)])
    ledger.create_transfers([Transfer(11, 3, 4, 7, 417, 1)])
    ledger.store._execute(
        f"UPDATE transfers SET amount = {ledger.store.p} WHERE id = {ledger.store.p}",
        (b16(4_999), b16(10)),
    )
    ledger.store.close()
    result = runner.invoke(app, ["ledger", "verify", "--db", db_url])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    problems = "\n".join(report["problems"])
    assert "entry 2 does not match its rows" in problems
    assert "issuance: posted: circulation 5007 != issued 5000" in problems
