"""Connect to a JSON-RPC endpoint and send signed transactions, each with a deadline.

Transactions are signed locally with an eth_account key and sent raw, so the same code works on
anvil, BSC testnet and BSC mainnet; nothing relies on a node holding unlocked accounts.
"""

from typing import Any

from web3 import Web3
from web3.types import TxReceipt

from digisom.chain.limits import (
    GAS_MARGIN_MIN,
    GAS_MARGIN_PERCENT,
    RPC_TIMEOUT_S,
    TX_RECEIPT_POLL_S,
    TX_RECEIPT_TIMEOUT_S,
)
from digisom.errors import ConfigurationError, DigisomError


class ChainError(DigisomError):
    """A transaction failed on chain, or the endpoint is not the chain it should be."""


def connect(rpc_url: str, expected_chain_id: int | None = None) -> Web3:
    """A Web3 client for `rpc_url` whose every request times out; checks the chain id."""
    provider = Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_S})
    w3 = Web3(provider)
    if expected_chain_id is not None:
        actual = int(w3.eth.chain_id)
        if actual != expected_chain_id:
            raise ConfigurationError(
                f"{rpc_url} is chain {actual}, but the profile expects {expected_chain_id}"
            )
    return w3


def send_transaction(w3: Web3, signer: Any, call: Any, value: int = 0) -> TxReceipt:
    """Build, sign with `signer` (an eth_account LocalAccount), send and wait for `call`
    (a bound contract function or constructor); raise ChainError unless it succeeded.

    The gas limit is the estimate plus a margin (see `GAS_MARGIN_PERCENT`)."""
    estimate = int(call.estimate_gas({"from": signer.address, "value": value}))
    tx = call.build_transaction(
        {
            "from": signer.address,
            "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
            "chainId": int(w3.eth.chain_id),
            "value": value,
            "gas": estimate + estimate * GAS_MARGIN_PERCENT // 100 + GAS_MARGIN_MIN,
        }
    )
    signed = signer.sign_transaction(tx)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt: TxReceipt = w3.eth.wait_for_transaction_receipt(
        tx_hash, timeout=TX_RECEIPT_TIMEOUT_S, poll_latency=TX_RECEIPT_POLL_S
    )
    if receipt["status"] != 1:
        raise ChainError(f"transaction {tx_hash.hex()} reverted")
    return receipt
