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
from digisom.chain.client import ChainError
from digisom.chain.limits import TX_RECEIPT_POLL_S, TX_RECEIPT_TIMEOUT_S
from digisom.errors import InvalidInput
from digisom.reserve.valuation import pow10, supply_minor

UINT256_LIMIT = 2**256
GAS_MARGIN_PERCENT = 25
GAS_MARGIN_MIN = 20_000
"""Above the estimate: a zero-to-non-zero storage write costs 20,000 gas more than a no-op."""


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
    _send_with_gas_margin(w3, signer, token.functions.reportReserves(units))
    return units


def _send_with_gas_margin(w3: Web3, signer: Any, call: Any) -> None:
    """Send `call` with a gas limit above the estimate.

    `reportReserves` writes the block timestamp: estimated in the block where the last report
    was made, that write changes nothing and is priced cheaply, but mined one block later it
    changes the slot and costs more, so an exact estimate runs out of gas (seen on anvil).
    """
    estimate = int(call.estimate_gas({"from": signer.address}))
    tx = call.build_transaction(
        {
            "from": signer.address,
            "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
            "chainId": int(w3.eth.chain_id),
            "gas": estimate + estimate * GAS_MARGIN_PERCENT // 100 + GAS_MARGIN_MIN,
        }
    )
    signed = signer.sign_transaction(tx)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(
        tx_hash, timeout=TX_RECEIPT_TIMEOUT_S, poll_latency=TX_RECEIPT_POLL_S
    )
    if receipt["status"] != 1:
        raise ChainError(f"reportReserves transaction {tx_hash.hex()} failed")
