"""`digisom demo` (deterministic, idempotent, verifiable), `digisom platform disburse` and
`digisom platform clawback` through the command line."""

import json
from pathlib import Path

from typer.testing import CliRunner

from digisom.cli import app
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.platform import demo
from digisom.platform.issuance import check_issuance
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

from .conftest import World

runner = CliRunner()
CITIZENS = 60
BUSINESSES = 8


def test_demo_is_deterministic_idempotent_and_verifies(db_url: str) -> None:
    store = open_store(parse_database_url(db_url))
    try:
        ledger = Ledger(store)
        first = demo.run(ledger, CITIZENS, BUSINESSES)
        height = store.head().height
        second = demo.run(ledger, CITIZENS, BUSINESSES)
        assert second == first
        assert store.head().height == height  # the second run moved nothing
        assert first.participants["citizen"] == CITIZENS
        assert first.counts["payroll rows paid"] + first.counts["pension rows paid"] == CITIZENS
        assert first.counts["QR merchant payments"] > 0 and first.counts["tax payments"] > 0
        assert first.amounts["subsidy clawed back"] > 0
        assert verify(store).ok
        assert check_issuance(store).ok
    finally:
        store.close()


def test_demo_command_and_if_empty(sqlite_url: str) -> None:
    args = ["demo", "--db", sqlite_url, "--citizens", str(CITIZENS), "--businesses", "6"]
    result = runner.invoke(app, [*args, "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "digital som in circulation" in result.output
    result = runner.invoke(app, [*args, "--if-empty"])
    assert result.exit_code == 0 and "nothing to do" in result.output
    result = runner.invoke(app, ["ledger", "verify", "--db", sqlite_url])
    assert result.exit_code == 0 and json.loads(result.output)["ok"]


def test_disburse_and_clawback_commands(world: World, tmp_path: Path) -> None:
    world.ledger.store.close()
    payroll = tmp_path / "payroll.csv"
    payroll.write_text(
        "wallet_id,national_id,amount,reference\nw-alice,,1000,R-1\nw-bob,,2000,R-2\n"
        "w-nobody,,5,R-3\n"
    )
    args = ["platform", "disburse", str(payroll), "--db", world.url]
    result = runner.invoke(app, [*args, "--payer", "treasury", "--purpose", "payroll"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert (last["paid"], last["invalid"], last["paid_amount"]) == (2, 1, "3000")
    result = runner.invoke(app, [*args, "--payer", "treasury", "--purpose", "payroll"])
    again = json.loads(result.output.strip().splitlines()[-1])
    assert again["disbursement_id"] == last["disbursement_id"] and not again["new"]
    assert again["paid_amount"] == "3000"
    result = runner.invoke(app, [*args, "--payer", "bank-a", "--purpose", "payroll"])
    assert result.exit_code != 0 and "only government pays out" in str(result.exception)
    result = runner.invoke(app, ["platform", "clawback", "--db", world.url])
    assert result.exit_code == 0 and json.loads(result.output)["transfers"] == 0
