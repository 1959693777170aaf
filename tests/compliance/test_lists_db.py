"""Lists in the database: versions per load, status, malformed files refused whole, and a list
update re-screening every KYC subject and linked address against what changed."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from digisom.cli import app
from digisom.compliance import listdb
from digisom.compliance.kyc import vault
from digisom.compliance.limits import KYC_MASTER_KEY_ENV
from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.compliance.conftest import NATIONAL_HEADER, NATIONAL_ROWS
from tests.compliance.kyc_support import OFFICER, ONBOARDING, fresh_keys, person

runner = CliRunner()
NEW_ENTRY = (
    "KG-005,person,Айбек Усенов,Aibek Usenov,1985-03-14,kg,,"
    "ETH:0x00000000000000000000000000000000000000aa,FIU-2026\n"
)


def _invoke(*args: str) -> Any:
    result = runner.invoke(app, ["compliance", "lists", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_load_status_rescreen_and_refuse_malformed(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = fresh_keys()
    monkeypatch.setattr("digisom.commands.compliance_lists.key_service_from_env", lambda: keys)
    national = tmp_path / "national.csv"
    national.write_text(NATIONAL_HEADER + NATIONAL_ROWS, encoding="utf-8")
    first = _invoke("load", str(national), "--db", db_url)
    assert first["lists"] == [
        {
            "source": "national",
            "sha256": first["lists"][0]["sha256"],
            "stored": True,
            "entries": 4,
        }
    ]
    again = _invoke("load", str(national), "--db", db_url)
    assert again["lists"][0]["stored"] is False

    store = open_store(parse_database_url(db_url))
    subject = vault.register(store, keys, person(), "customer", OFFICER, ONBOARDING)
    other = vault.register(
        store, keys, person("Someone Else", "Кто-то Другой"), "customer", OFFICER, ONBOARDING
    )
    vault.link(store, other, "address", "0x" + "00" * 19 + "AA", OFFICER, ONBOARDING)
    store.close()

    broken = tmp_path / "broken.csv"
    broken.write_text(NATIONAL_HEADER + "KG-9,person\n", encoding="utf-8")
    failed = runner.invoke(app, ["compliance", "lists", "load", str(broken), "--db", db_url])
    assert failed.exit_code == 1 and "broken.csv:2" in failed.output

    national.write_text(NATIONAL_HEADER + NATIONAL_ROWS + NEW_ENTRY, encoding="utf-8")
    update = _invoke("load", str(national), "--db", db_url)
    rescreen = update["rescreen"]
    assert rescreen["changed_entries"] == 1 and rescreen["subjects"] == 2
    cases = rescreen["new_cases"]
    assert {(c["subject_id"], c["outcome"]) for c in cases} == {
        (subject, "block"),
        (other, "block"),
    }
    status = _invoke("status", "--db", db_url)
    assert [(x["source"], x["entries"]) for x in status["lists"]] == [("national", 5)]
    store = open_store(parse_database_url(db_url))
    try:
        assert store.count_rows("compliance_list_versions") == 2
        latest = listdb.latest(store, "national")
        assert latest is not None and latest.entries[-1].entity_id == "kg-KG-005"
        assert store.count_rows("compliance_cases") == 2
    finally:
        store.close()


def test_missing_master_key_still_checks_addresses(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KYC_MASTER_KEY_ENV, raising=False)
    national = tmp_path / "national.csv"
    national.write_text(NATIONAL_HEADER + NEW_ENTRY, encoding="utf-8")
    loaded = _invoke("load", str(national), "--db", sqlite_url)
    assert loaded["rescreen"]["names_screened"] is False


def test_monitor_and_audit_commands(sqlite_url: str) -> None:
    store = open_store(parse_database_url(sqlite_url))
    ledger = Ledger(store)
    ledger.create_accounts([Account(1, 417, 1), Account(2, 417, 1)])
    ledger.create_transfers([Transfer(9, 1, 2, 2_000_000_00, 417, 1)])
    store.close()
    result = runner.invoke(app, ["compliance", "monitor", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cases_opened"] == 1
    again = json.loads(runner.invoke(app, ["compliance", "monitor", "--db", sqlite_url]).stdout)
    assert again["transfers"] == 0 and again["replayed"] == 1
    verified = runner.invoke(app, ["compliance", "audit", "verify", "--db", sqlite_url])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True
