"""The Treasury's on-chain spending: DSOM batch payouts, read back from the chain.

Every `batchPayout` emits one `BatchPayout(payer, recipients, total)` and a `Transfer` per
recipient in the same transaction. This module finds the recent batches and lists their payments,
newest first, for the transparency portal. It reads only what the chain already publishes.
"""

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from digisom.bridge.limits import HOLDER_LOG_BLOCKS_MAX, PAYOUT_BLOCKS_BACK_MAX, PAYOUTS_SHOWN_MAX
from digisom.bridge.model import Token
from digisom.bridge.repository import BridgeRepository
from digisom.bridge.tokens import TRANSFER_TOPIC
from digisom.storage.base import LedgerStore

BATCH_PAYOUT_TOPIC = Web3.keccak(text="BatchPayout(address,uint256,uint256)")
DSOM = "DSOM"


@dataclass(frozen=True, slots=True)
class Payout:
    """One payment of a batch payout."""

    chain_id: int
    tx_hash: str
    block_number: int
    timestamp_s: int
    payer: str
    recipient: str
    amount_minor: int


def recent_payouts(store: LedgerStore, w3: Any) -> list[Payout]:
    """Payments of the DSOM batches in the last `PAYOUT_BLOCKS_BACK_MAX` blocks, newest first."""
    chain_id = int(w3.eth.chain_id)
    token = next((t for t in BridgeRepository(store).tokens(chain_id) if t.symbol == DSOM), None)
    if token is None:
        return []
    head = int(w3.eth.block_number)
    start = max(token.start_block, head - PAYOUT_BLOCKS_BACK_MAX)
    batches: list[Any] = []
    while start <= head:
        end = min(start + HOLDER_LOG_BLOCKS_MAX - 1, head)
        batches.extend(_logs(w3, token, BATCH_PAYOUT_TOPIC, start, end))
        start = end + 1
    payouts: list[Payout] = []
    for batch in reversed(batches):
        payouts.extend(_payments(w3, token, chain_id, batch))
        if len(payouts) >= PAYOUTS_SHOWN_MAX:
            break
    return payouts[:PAYOUTS_SHOWN_MAX]


def _logs(w3: Any, token: Token, topic: Any, start: int, end: int) -> list[Any]:
    return list(
        w3.eth.get_logs(
            {
                "address": w3.to_checksum_address(token.address),
                "fromBlock": start,
                "toBlock": end,
                "topics": [topic],
            }
        )
    )


def _payments(w3: Any, token: Token, chain_id: int, batch: Any) -> list[Payout]:
    """The Transfer events of the batch's transaction: one per recipient."""
    receipt = w3.eth.get_transaction_receipt(batch["transactionHash"])
    block = w3.eth.get_block(batch["blockNumber"])
    scale = 10 ** (token.decimals - 2)
    transfer_topic = bytes.fromhex(TRANSFER_TOPIC.removeprefix("0x"))
    out = []
    for log in receipt["logs"]:
        if log["address"].lower() != token.address.lower():
            continue
        if bytes(log["topics"][0]) != transfer_topic:
            continue
        out.append(
            Payout(
                chain_id=chain_id,
                tx_hash="0x" + bytes(batch["transactionHash"]).hex(),
                block_number=int(batch["blockNumber"]),
                timestamp_s=int(block["timestamp"]),
                payer="0x" + bytes(log["topics"][1])[-20:].hex(),
                recipient="0x" + bytes(log["topics"][2])[-20:].hex(),
                amount_minor=int.from_bytes(bytes(log["data"]), "big") // scale,
            )
        )
    return out
