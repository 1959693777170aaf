"""The anvil runner (free port, state kept across restarts), profiles and key rules."""

import json
from pathlib import Path

import httpx
import pytest
from eth_account import Account

from digisom.chain.anvil import STATE_FILE_NAME, Anvil, AnvilConfig
from digisom.chain.keys import (
    ANVIL_DEV_ADDRESS,
    ANVIL_DEV_KEY,
    KEY_ENV,
    KEYSTORE_ENV,
    KEYSTORE_PASSWORD_ENV,
    load_signer,
)
from digisom.chain.profiles import resolve_profile
from digisom.errors import ConfigurationError, InvalidInput

RPC_TIMEOUT_S = 5


def _rpc(url: str, method: str, params: list[object] | None = None) -> object:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
    return httpx.post(url, json=body, timeout=RPC_TIMEOUT_S).json()["result"]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    config = AnvilConfig(chain_id=4242, state_dir=tmp_path)
    with Anvil(config) as anvil:
        assert _rpc(anvil.rpc_url, "eth_chainId") == hex(4242)
        for _ in range(3):
            _rpc(anvil.rpc_url, "evm_mine")
    assert not anvil.running
    assert (tmp_path / STATE_FILE_NAME).is_file()
    with Anvil(config) as anvil:
        assert _rpc(anvil.rpc_url, "eth_blockNumber") == "0x3"


def test_two_nodes_get_different_free_ports() -> None:
    with Anvil() as first, Anvil() as second:
        assert first.port != second.port
        assert _rpc(first.rpc_url, "eth_chainId") == hex(31337)


def test_profiles() -> None:
    assert resolve_profile("bsc").chain_id == 56
    assert resolve_profile("bsc-testnet").chain_id == 97
    assert resolve_profile("local", "http://127.0.0.1:1").rpc_url == "http://127.0.0.1:1"
    assert resolve_profile("custom", "http://x", 7).chain_id == 7
    with pytest.raises(InvalidInput):
        resolve_profile("custom", "http://x")
    with pytest.raises(InvalidInput):
        resolve_profile("bsc", chain_id=97)
    with pytest.raises(InvalidInput):
        resolve_profile("mainnet")


def test_local_profile_defaults_to_the_public_dev_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert load_signer(resolve_profile("local")).address == ANVIL_DEV_ADDRESS


def test_other_profiles_refuse_keys_on_the_command_line() -> None:
    with pytest.raises(InvalidInput) as info:
        load_signer(resolve_profile("bsc-testnet"), key_hex="0x" + "11" * 32)
    assert "11" * 8 not in info.value.message


def test_other_profiles_refuse_the_dev_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, ANVIL_DEV_KEY)
    with pytest.raises(ConfigurationError):
        load_signer(resolve_profile("bsc"))


def test_other_profiles_need_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYSTORE_ENV, raising=False)
    with pytest.raises(ConfigurationError):
        load_signer(resolve_profile("bsc"))


def test_keystore_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = Account.create()
    # Light scrypt parameters keep the test fast; real keystores use the defaults.
    encrypted = Account.encrypt(account.key, "correct horse", kdf="pbkdf2", iterations=1000)
    keystore = tmp_path / "deployer.json"
    keystore.write_text(json.dumps(encrypted))
    monkeypatch.setenv(KEYSTORE_PASSWORD_ENV, "correct horse")
    assert load_signer(resolve_profile("bsc"), keystore=keystore).address == account.address
    monkeypatch.setenv(KEYSTORE_PASSWORD_ENV, "wrong")
    with pytest.raises(ConfigurationError):
        load_signer(resolve_profile("bsc"), keystore=keystore)


def test_bad_hex_key_is_not_echoed() -> None:
    with pytest.raises(InvalidInput) as info:
        load_signer(resolve_profile("local"), key_hex="0xnot-a-key-secret")
    assert "secret" not in info.value.message
