"""Who holds each bridged token on chain, for the proof of liabilities.

The som in a token's escrow account is owed to the token's holders, so a snapshot of liabilities
counts those holders instead of the escrow. Their balances are replayed from the token's own
`Transfer` events, from its deployment block to the snapshot's block, and the replay must add up
to `totalSupply` at that block or the snapshot is refused. An address that holds several tokens
of the same ledger (KGST and DSOM) is one holder with the sum. Token units finer than a tyiyn are
rounded up: a liability is never understated.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from digisom.bridge.limits import HOLDER_LOG_BLOCKS_MAX
from digisom.bridge.model import Token
from digisom.bridge.repository import BridgeRepository
from digisom.bridge.tokens import TRANSFER_TOPIC, total_supply
from digisom.errors import InvalidInput
from digisom.storage.base import LedgerStore

ZERO_ADDRESS = "0x" + "00" * 20


def token_balances(w3: Any, token: Token, block: int) -> dict[str, int]:
    """Every non-zero balance of `token` at `block`, in token units, by lower-case address."""
    balances: dict[str, int] = defaultdict(int)
    start = token.start_block
    while start <= block:
        end = min(start + HOLDER_LOG_BLOCKS_MAX - 1, block)
        logs = w3.eth.get_logs(
            {
                "address": w3.to_checksum_address(token.address),
                "fromBlock": start,
                "toBlock": end,
                "topics": [TRANSFER_TOPIC],
            }
        )
        for log in logs:
            sender = "0x" + bytes(log["topics"][1])[-20:].hex()
            recipient = "0x" + bytes(log["topics"][2])[-20:].hex()
            value = int.from_bytes(bytes(log["data"]), "big")
            if sender != ZERO_ADDRESS:
                balances[sender] -= value
            if recipient != ZERO_ADDRESS:
                balances[recipient] += value
        start = end + 1
    negative = [address for address, units in balances.items() if units < 0]
    if negative:
        raise InvalidInput(f"{token.symbol}: the Transfer events leave {negative[0]} below zero")
    supply = total_supply(w3, token.address, block)
    if sum(balances.values()) != supply:
        raise InvalidInput(
            f"{token.symbol}: the Transfer events add up to {sum(balances.values())} units, "
            f"but totalSupply at block {block} is {supply}"
        )
    return {address: units for address, units in balances.items() if units > 0}


def onchain_holders(
    store: LedgerStore, w3: Any, block: int | None = None
) -> Iterable[tuple[str, int]]:
    """(lower-case address, balance in tyiyn) of everyone holding a token registered for the
    chain `w3` is connected to, at `block` (default: the latest)."""
    at = int(w3.eth.block_number) if block is None else block
    owed: dict[str, int] = defaultdict(int)
    for token in BridgeRepository(store).tokens(int(w3.eth.chain_id)):
        scale = 10 ** (token.decimals - 2)
        for address, units in token_balances(w3, token, at).items():
            owed[address] += -(-units // scale)  # rounded up
    return sorted(owed.items())
