"""The token contracts as the bridge sees them: mint, burn, totalSupply and Transfer events.

KGST and DSOM share these signatures (`mint(address,uint256)`, `burn(uint256)`, the ERC-20
`Transfer` event), so the bridge binds every token with KGST's ABI.
"""

from functools import cache
from typing import Any

from web3 import Web3

from digisom.chain.artifacts import load_artifact

TRANSFER_TOPIC = "0x" + Web3.keccak(text="Transfer(address,address,uint256)").hex().removeprefix(
    "0x"
)


@cache
def _abi() -> Any:
    return load_artifact("KGST").abi


def token_contract(w3: Any, address: str) -> Any:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=_abi())


def total_supply(w3: Any, address: str, block: int | str = "latest") -> int:
    return int(token_contract(w3, address).functions.totalSupply().call(block_identifier=block))
