"""`digisom chain deploy` and `digisom chain verify` against the session's anvil."""

import json
from typing import Any

from typer.testing import CliRunner
from web3 import Web3

from digisom.bridge.repository import BridgeRepository
from digisom.chain.artifacts import load_artifact
from digisom.chain.deploy import Deployment
from digisom.chain.keys import ANVIL_DEV_ADDRESS
from digisom.cli import app
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.chain.support import Chain, dev_account

runner = CliRunner()


def _rpc(w3: Web3) -> str:
    return str(w3.provider.endpoint_uri)


def test_deploy_json_gives_every_role_to_the_deployer(w3: Web3) -> None:
    result = runner.invoke(
        app, ["chain", "deploy", "--profile", "local", "--rpc", _rpc(w3), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["chain_id"] == 31337
    assert out["timelock"] is None
    kgst = w3.eth.contract(address=out["kgst"], abi=load_artifact("KGST").abi)
    dsom = w3.eth.contract(address=out["dsom"], abi=load_artifact("DSOM").abi)
    for role in ("owner", "masterMinter", "pauser", "blacklister", "rescuer", "reserveReporter"):
        assert getattr(kgst.functions, role)().call() == ANVIL_DEV_ADDRESS
    for role in ("owner", "issuer", "registrar", "pauser"):
        assert getattr(dsom.functions, role)().call() == ANVIL_DEV_ADDRESS
    assert kgst.functions.name().call() == "Kyrgyz Som Stablecoin"
    assert kgst.functions.symbol().call() == "KGST"
    assert kgst.functions.decimals().call() == 18
    assert dsom.functions.decimals().call() == 2


def test_deploy_with_an_explicit_key(w3: Web3) -> None:
    other = dev_account(3)
    args = ["chain", "deploy", "--rpc", _rpc(w3), "--key", other.key.hex(), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert other.key.hex() not in result.output
    assert json.loads(result.stdout)["deployer"] == other.address


def test_deploy_refuses_a_wrong_chain(w3: Web3) -> None:
    args = ["chain", "deploy", "--profile", "bsc-testnet", "--rpc", _rpc(w3), "--json"]
    result = runner.invoke(app, args, env={"DIGISOM_CHAIN_KEY": "0x" + "22" * 32})
    assert result.exit_code == 1
    assert "chain 31337" in result.output


def test_verify_matches_the_committed_build(w3: Web3, deployment: Deployment) -> None:
    args = ["chain", "verify", "--rpc", _rpc(w3), "--kgst", deployment.kgst]
    result = runner.invoke(app, [*args, "--dsom", deployment.dsom, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True
    # Swapped addresses must fail: the check is real.
    args = ["chain", "verify", "--rpc", _rpc(w3), "--kgst", deployment.dsom]
    result = runner.invoke(app, [*args, "--dsom", deployment.kgst])
    assert result.exit_code == 1
    assert "MISMATCH" in result.output


def test_verify_ignores_only_immutables(w3: Web3, deployment: Deployment) -> None:
    """A token deployed with other constructor arguments still verifies (they sit in immutables
    and storage), while a single flipped byte of code does not."""
    result = runner.invoke(app, ["chain", "deploy", "--rpc", _rpc(w3), "--json"])
    out = json.loads(result.stdout)
    kgst_code = bytes(w3.eth.get_code(out["kgst"]))
    tampered = bytearray(kgst_code)
    tampered[10] ^= 0xFF
    w3.provider.make_request("anvil_setCode", [out["kgst"], "0x" + tampered.hex()])
    args = ["chain", "verify", "--rpc", _rpc(w3), "--kgst", out["kgst"], "--dsom", out["dsom"]]
    result = runner.invoke(app, args)
    assert result.exit_code == 1


def test_timelock_owns_both_tokens_and_delays_changes(w3: Web3, chain: Chain) -> None:
    delay_s = 3600
    args = ["chain", "deploy", "--rpc", _rpc(w3), "--timelock-delay-s", str(delay_s), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    timelock = w3.eth.contract(address=out["timelock"], abi=load_artifact("DigisomTimelock").abi)
    kgst = w3.eth.contract(address=out["kgst"], abi=load_artifact("KGST").abi)
    assert kgst.functions.owner().call() == out["timelock"]
    admin = ANVIL_DEV_ADDRESS
    new_pauser = dev_account(4).address
    chain.reverts(
        kgst, "OwnableUnauthorizedAccount", kgst.functions.updatePauser(new_pauser), admin
    )
    data = kgst.encode_abi("updatePauser", args=[new_pauser])
    salt = b"\x00" * 32
    op: tuple[Any, ...] = (out["kgst"], 0, data, salt, salt)
    chain.send(timelock.functions.schedule(*op, delay_s), admin)
    chain.reverts(
        timelock, "TimelockUnexpectedOperationState", timelock.functions.execute(*op[:5]), admin
    )
    chain.travel(delay_s + 1)
    chain.send(timelock.functions.execute(*op[:5]), admin)
    assert kgst.functions.pauser().call() == new_pauser


def test_deploy_records_both_tokens_and_their_escrows(w3: Web3, tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path}/deploy.sqlite3"
    args = ["chain", "deploy", "--rpc", _rpc(w3), "--json", "--db", db]
    first = json.loads(runner.invoke(app, args).stdout)
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "already has KGST recorded" in second.stderr
    store = open_store(parse_database_url(db), migrate=False)
    try:
        tokens = {t.symbol: t for t in BridgeRepository(store).tokens(31337)}
        assert tokens["KGST"].address.lower() == first["kgst"].lower()
        assert tokens["DSOM"].address.lower() == first["dsom"].lower()
        assert store.get_account(tokens["KGST"].escrow_account_id) is not None
    finally:
        store.close()
