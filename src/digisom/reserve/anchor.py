"""Anchoring a published root on an EVM chain: one plain transaction whose data is the root.

The data is `ANCHOR_MAGIC || root hash (32) || SHA-256(canonical root JSON) (32)`, sent from the
anchoring key to itself with no value. Anyone can fetch the transaction and check both hashes:
the first ties it to the tree, the second to the signed root (sum, leaf count, snapshot time and
ledger height, which the tree hash does not cover). A transaction needs no contract, so the
anchor works on any EVM chain and costs about 22,500 gas; its block timestamp proves the root
existed by then, and a root cannot later be replaced without a second, visible anchor.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from hexbytes import HexBytes
from web3 import Web3

from digisom.chain.client import ChainError, connect
from digisom.chain.keys import load_signer
from digisom.chain.limits import TX_RECEIPT_POLL_S, TX_RECEIPT_TIMEOUT_S
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from digisom.reserve.limits import ANCHOR_GAS_MAX, ANCHOR_MAGIC
from digisom.reserve.por.proof import PublishedRoot, canonical_root_json


@dataclass(frozen=True)
class Anchor:
    """Where a root was anchored."""

    chain_id: int
    tx_hash: bytes
    block_number: int


def anchor_data(root: PublishedRoot) -> bytes:
    """The transaction data that anchors `root`."""
    return ANCHOR_MAGIC + root.hash + hashlib.sha256(canonical_root_json(root)).digest()


def signer_for(rpc_url: str) -> tuple[Web3, Any]:
    """A client and the signing key for the chain at `rpc_url` (rules of `chain.keys`)."""
    w3 = connect(rpc_url)
    chain_id = int(w3.eth.chain_id)
    if chain_id == LOCAL_CHAIN_ID:
        profile = resolve_profile("local", rpc_url)
    else:
        profile = resolve_profile("custom", rpc_url, chain_id)
    return w3, load_signer(profile)


def anchor_root(w3: Web3, signer: Any, root: PublishedRoot) -> Anchor:
    """Send the anchor transaction and wait for it; ChainError unless it succeeded."""
    data = anchor_data(root)
    base = {"from": signer.address, "to": signer.address, "value": 0, "data": data}
    gas = int(w3.eth.estimate_gas(base))  # type: ignore[arg-type]
    if gas > ANCHOR_GAS_MAX:
        raise ChainError(f"anchoring would use {gas} gas, above {ANCHOR_GAS_MAX}")
    tx = {
        **base,
        "gas": gas,
        "gasPrice": int(w3.eth.gas_price),
        "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
        "chainId": int(w3.eth.chain_id),
    }
    signed = signer.sign_transaction(tx)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(
        tx_hash, timeout=TX_RECEIPT_TIMEOUT_S, poll_latency=TX_RECEIPT_POLL_S
    )
    if receipt["status"] != 1:
        raise ChainError(f"anchor transaction {tx_hash.hex()} failed")
    return Anchor(int(w3.eth.chain_id), bytes(tx_hash), int(receipt["blockNumber"]))


def anchor_matches(w3: Web3, tx_hash: bytes, root: PublishedRoot) -> bool:
    """True if the mined transaction `tx_hash` carries exactly this root's anchor data."""
    tx = w3.eth.get_transaction(HexBytes(tx_hash))
    receipt = w3.eth.get_transaction_receipt(HexBytes(tx_hash))
    return receipt["status"] == 1 and bytes(tx["input"]) == anchor_data(root)
