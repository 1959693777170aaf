"""On-chain holders in the proof of liabilities: replayed from Transfer events, in tyiyn."""

from pathlib import Path

from typer.testing import CliRunner

from digisom.bridge.holders import onchain_holders, token_balances
from digisom.cli import app
from digisom.reserve.liabilities import read_liabilities
from digisom.reserve.por_store import list_roots
from tests.bridge.support import BridgeHarness, holders

runner = CliRunner()


def test_token_holders_replace_the_escrow_in_the_liabilities(harness: BridgeHarness) -> None:
    harness.issue("kgst-1", 1_500)
    harness.issue("dsom-1", 700, symbol="DSOM")
    harness.settle()
    alice, bob = harness.alice.lower(), holders(harness.w3)[1].lower()
    # Alice passes 200 tyiyn of KGST to Bob on chain; the ledger never sees it.
    harness.contract(harness.kgst).functions.transfer(
        harness.w3.to_checksum_address(bob), 200 * 10**16
    ).transact({"from": harness.w3.to_checksum_address(alice)})

    owed = dict(onchain_holders(harness.store, harness.w3))
    assert owed == {alice: 1_300 + 700, bob: 200}
    assert sum(owed.values()) == (
        harness.escrow(harness.kgst).credits_posted + harness.escrow(harness.dsom).credits_posted
    )

    snapshot = read_liabilities(
        harness.store, extra_holders=lambda store: onchain_holders(store, harness.w3)
    )
    listed = dict(zip(snapshot.uids, snapshot.balances_minor, strict=True))
    assert listed[alice] == 2_000 and listed[bob] == 200
    escrows = {harness.kgst.escrow_account_id, harness.dsom.escrow_account_id}
    assert not any(uid.endswith(f"{i:032x}") for uid in listed for i in escrows)


def test_fractions_of_a_tyiyn_round_up(harness: BridgeHarness) -> None:
    harness.issue("kgst-2", 10)
    harness.settle()
    alice, bob = harness.alice.lower(), holders(harness.w3)[1].lower()
    harness.contract(harness.kgst).functions.transfer(
        harness.w3.to_checksum_address(bob), 1
    ).transact({"from": harness.w3.to_checksum_address(alice)})
    block = int(harness.w3.eth.block_number)
    units = token_balances(harness.w3, harness.kgst, block)
    assert units == {alice: 10 * 10**16 - 1, bob: 1}
    assert dict(onchain_holders(harness.store, harness.w3)) == {alice: 10, bob: 1}


def test_por_snapshot_counts_chain_holders(harness: BridgeHarness, tmp_path: Path) -> None:
    harness.issue("kgst-3", 1_234)
    harness.settle()
    key = tmp_path / "issuer.pem"
    assert runner.invoke(app, ["por", "issuer-key", "--out", str(key)]).exit_code == 0
    rpc = str(harness.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    without = runner.invoke(
        app, ["por", "snapshot", "--db", harness.db_url, "--issuer-key", str(key)]
    )
    with_chain = runner.invoke(
        app,
        ["por", "snapshot", "--db", harness.db_url, "--issuer-key", str(key), "--chain-rpc", rpc],
    )
    # The harness's ledger accounts all carry central-bank codes (1-3): alone, nobody is owed.
    assert without.exit_code == 2 and "no liability holder" in without.output, without.output
    assert with_chain.exit_code == 0, with_chain.output
    (root,) = list_roots(harness.store, 2)
    assert (root.root.sum_minor, root.root.leaf_count) == (1_234, 1)
