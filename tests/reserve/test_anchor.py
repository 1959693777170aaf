"""Anchoring on a real anvil, through the CLI: snapshot, anchor transaction, proof, verify."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web3 import Web3

from digisom.chain.keys import ANVIL_DEV_ADDRESS
from digisom.cli import app
from digisom.reserve.anchor import anchor_data, anchor_matches
from digisom.reserve.liabilities import account_uid
from digisom.reserve.limits import ANCHOR_MAGIC, ISSUER_KEY_ENV
from digisom.reserve.por.proof import root_to_json
from digisom.reserve.por.verify import verify_proof_json
from digisom.reserve.por_store import get_root
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.reserve.ledger_support import ALICE_ID


def test_snapshot_anchor_and_proof_by_cli(
    seeded_db: str, issuer_key_file: Path, anvil_w3: Web3, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ISSUER_KEY_ENV, str(issuer_key_file))
    monkeypatch.delenv("DIGISOM_CHAIN_KEY", raising=False)
    rpc = str(anvil_w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    runner = CliRunner()
    result = runner.invoke(app, ["por", "snapshot", "--db", seeded_db, "--anchor-rpc", rpc])
    assert result.exit_code == 0, result.output
    assert "anchored in 0x" in result.output
    store = open_store(parse_database_url(seeded_db))
    try:
        stored = get_root(store)
    finally:
        store.close()
    assert stored.anchor_tx is not None and stored.anchor_chain_id == 31337
    tx = anvil_w3.eth.get_transaction(stored.anchor_tx)  # type: ignore[arg-type]
    assert tx["from"] == ANVIL_DEV_ADDRESS and tx["to"] == ANVIL_DEV_ADDRESS
    assert bytes(tx["input"]) == anchor_data(stored.root)
    assert bytes(tx["input"]).startswith(ANCHOR_MAGIC + stored.root.hash)
    assert anchor_matches(anvil_w3, stored.anchor_tx, stored.root)
    assert tx["blockNumber"] == stored.anchor_block

    uid = account_uid(ALICE_ID)
    result = runner.invoke(app, ["por", "proof", "--uid", uid, "--db", seeded_db])
    assert result.exit_code == 0, result.output
    proof = result.output.strip().encode("ascii")
    verdict = verify_proof_json(
        proof, published_root_json=root_to_json(stored.root), expected_uid=uid
    )
    assert verdict.accepted, verdict.reason
    assert json.loads(proof)["root"]["ledger_height"] == str(stored.root.ledger_height)

    again = runner.invoke(
        app, ["por", "anchor", "--root-id", str(stored.id), "--anchor-rpc", rpc, "--db", seeded_db]
    )
    assert again.exit_code == 2 and "already anchored" in again.output


def test_cli_refusals(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ISSUER_KEY_ENV, raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["por", "snapshot", "--db", sqlite_url])
    assert result.exit_code == 2 and "no issuer key" in result.output
    result = runner.invoke(app, ["por", "proof", "--uid", "x", "--db", sqlite_url])
    assert result.exit_code == 2 and "no proof-of-liabilities root" in result.output
    key = tmp_path / "issuer.pem"
    assert runner.invoke(app, ["por", "issuer-key", "--out", str(key)]).exit_code == 0
    result = runner.invoke(app, ["por", "issuer-key", "--out", str(key)])
    assert result.exit_code == 2 and "refusing to overwrite" in result.output
    result = runner.invoke(app, ["por", "holder-key", "--uid", "alice", "--db", sqlite_url])
    assert result.exit_code == 0 and result.output.splitlines()[-1].startswith("dph_")
