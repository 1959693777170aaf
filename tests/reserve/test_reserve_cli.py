"""`digisom reserve ...` end to end on SQLite with the offline prices file."""

import json
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct
from typer.testing import CliRunner

from digisom.cli import app
from tests.reserve.feeds_support import FIXTURES


def test_register_value_history_attest(sqlite_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", sqlite_url]
    add = ["reserve", "add-holding", "--portfolio", "crypto", "--asset", "BTC", "--decimals", "8"]
    result = runner.invoke(
        app, [*add, "--source", "manual", "--amount-units", "100000000", "--evidence", "stmt", *db]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*add, "--source", "magic", *db])
    assert result.exit_code == 2 and "is not one of ledger" in result.output
    result = runner.invoke(
        app, ["reserve", "value", "--prices", str(FIXTURES / "prices.json"), *db]
    )
    assert result.exit_code == 0, result.output
    valued = json.loads(result.output)
    assert valued["crypto_usd_minor"] == "9700000" and valued["crypto_som_minor"] == "848265000"
    history = json.loads(runner.invoke(app, ["reserve", "history", *db]).output)
    assert [h["id"] for h in history] == [valued["valuation_id"]]
    result = runner.invoke(
        app,
        [
            "reserve",
            "report",
            "--rpc",
            "http://127.0.0.1:9",
            "--kgst",
            "0x" + "1" * 40,
            "--db",
            f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ],
    )
    assert result.exit_code == 2 and "no valuation is stored" in result.output

    holder = Account.create()
    result = runner.invoke(app, ["reserve", "attest-message", "--address", holder.address])
    issued = json.loads(result.output)
    message = issued["messages"][holder.address]
    signature = (
        "0x"
        + bytes(
            Account.sign_message(encode_defunct(text=message), private_key=holder.key).signature
        ).hex()
    )
    attest = ["reserve", "attest", "--round", issued["round"], "--address", holder.address]
    result = runner.invoke(app, [*attest, "--signature", signature, *db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*attest, "--signature", "0x" + "00" * 65, *db])
    assert result.exit_code == 2 and "does not prove control" in result.output
    btc = [
        "reserve",
        "attest",
        "--round",
        issued["round"],
        "--address",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    ]
    result = runner.invoke(app, [*btc, "--signature", "H" + "A" * 87, *db])
    assert result.exit_code == 2 and "does not prove control" in result.output
