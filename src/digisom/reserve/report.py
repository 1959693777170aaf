"""Feeding the reserve figure to KGST: `reportReserves`, and the supply read back.

KGST refuses to mint beyond the last reported reserves (and when the report is stale), so the
figure reported is the backing portfolio's som value from a stored valuation, converted to
token units (minor units times 10^(decimals - 2)), and never more. The caller holds the
reserve-reporter role; the chain checks it.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3

from digisom.chain.artifacts import load_artifact
from digisom.chain.client import send_transaction
from digisom.errors import InvalidInput
from digisom.reserve.valuation import pow10, supply_minor

UINT256_LIMIT = 2**256


def kgst_contract(w3: Web3, address: str) -> Any:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=load_artifact("KGST").abi)


def token_units(amount_minor: int, decimals: int) -> int:
    """Minor units (2 decimals) to token units, exactly."""
    if amount_minor < 0:
        raise InvalidInput("a reserve figure cannot be negative")
    if decimals < 2:
        raise InvalidInput("a token with fewer than 2 decimals cannot carry tyiyn exactly")
    units = amount_minor * pow10(decimals - 2)
    if units >= UINT256_LIMIT:
        raise InvalidInput("the reserve figure does not fit a uint256")
    return units


def token_supply_minor(w3: Web3, token_address: str) -> int:
    """The token's total supply in som minor units (rounded up)."""
    token = kgst_contract(w3, token_address)
    decimals = int(token.functions.decimals().call())
    return supply_minor(int(token.functions.totalSupply().call()), decimals)


def report_reserves(w3: Web3, signer: Any, token_address: str, backing_som_minor: int) -> int:
    """Report the backing to the token; returns the figure sent, in token units."""
    token = kgst_contract(w3, token_address)
    units = token_units(backing_som_minor, int(token.functions.decimals().call()))
    send_transaction(w3, signer, token.functions.reportReserves(units))
    return units
