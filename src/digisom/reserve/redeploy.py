"""The drill for moving a token to another EVM chain: pause, snapshot, re-mint, compare.

Why: a sovereign issuer must be able to leave a chain (a halted network, a hostile validator
set, fees it cannot bear) without anyone losing a tyiyn. The token's state is public, so the
move needs no one's cooperation:

1. pause the token on the old chain (no transfer can happen after the snapshot);
2. snapshot every holder's balance at the pause block, found from the token's `Transfer` logs
   and read with `balanceOf` at that block; the sum must equal `totalSupply` exactly;
3. deploy the token on the new chain, report reserves equal to the snapshot total, and mint
   every balance to the same address;
4. compare: every balance and the total supply on the new chain equal the snapshot.

The ledger side (moving the escrow balance from the old chain's escrow account to the new one's)
is one ledger transfer, done by the bridge's owner; docs/reserve.md lists the whole drill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from digisom.chain.client import send_transaction
from digisom.errors import DigisomError
from digisom.reserve.report import kgst_contract

LOG_BLOCKS_PER_QUERY = 5_000
"""Blocks per `eth_getLogs` request: public RPCs cap ranges (often at 5,000 or 10,000)."""
HOLDERS_MAX = 1_000_000
"""Most holders one drill moves; above this the snapshot needs a streaming design."""
ZERO = "0x0000000000000000000000000000000000000000"


class DrillError(DigisomError):
    """The snapshot or the re-mint does not add up; the drill stops where it is."""


@dataclass(frozen=True)
class TokenSnapshot:
    chain_id: int
    token: str
    block_number: int
    balances: dict[str, int]
    """Checksummed address -> balance in token units, zero balances left out."""
    total_supply: int


def snapshot_token(w3: Web3, token_address: str, from_block: int, at_block: int) -> TokenSnapshot:
    """Every holder's balance at `at_block`, from the Transfer logs since `from_block`."""
    token = kgst_contract(w3, token_address)
    addresses: set[str] = set()
    start = from_block
    while start <= at_block:
        end = min(at_block, start + LOG_BLOCKS_PER_QUERY - 1)
        for event in token.events.Transfer().get_logs(from_block=start, to_block=end):
            addresses.update((event["args"]["from"], event["args"]["to"]))
        start = end + 1
    addresses.discard(ZERO)
    if len(addresses) > HOLDERS_MAX:
        raise DrillError(f"{len(addresses)} holders is above the drill's {HOLDERS_MAX}")
    balances = {}
    for address in sorted(addresses):
        balance = int(token.functions.balanceOf(address).call(block_identifier=at_block))
        if balance:
            balances[address] = balance
    supply = int(token.functions.totalSupply().call(block_identifier=at_block))
    if sum(balances.values()) != supply:
        raise DrillError(f"holders add up to {sum(balances.values())}, totalSupply is {supply}")
    return TokenSnapshot(int(w3.eth.chain_id), token.address, at_block, balances, supply)


def remint(w3: Web3, signer: Any, new_token: str, snapshot: TokenSnapshot) -> None:
    """Mint the snapshot on the new chain's (fresh) token and check it matches exactly."""
    token = kgst_contract(w3, new_token)
    if int(token.functions.totalSupply().call()) != 0:
        raise DrillError("the new token already has a supply; re-mint only into a fresh one")
    send_transaction(w3, signer, token.functions.reportReserves(snapshot.total_supply))
    send_transaction(
        w3, signer, token.functions.configureMinter(signer.address, snapshot.total_supply)
    )
    for address, balance in snapshot.balances.items():
        send_transaction(w3, signer, token.functions.mint(address, balance))
    problems = compare(w3, new_token, snapshot)
    if problems:
        raise DrillError("; ".join(problems[:10]))


def compare(w3: Web3, token_address: str, snapshot: TokenSnapshot) -> list[str]:
    """Every difference between the token's state now and the snapshot."""
    token = kgst_contract(w3, token_address)
    problems = []
    for address, balance in snapshot.balances.items():
        now = int(token.functions.balanceOf(address).call())
        if now != balance:
            problems.append(f"{address}: {now} instead of {balance}")
    supply = int(token.functions.totalSupply().call())
    if supply != snapshot.total_supply:
        problems.append(f"totalSupply {supply} instead of {snapshot.total_supply}")
    return problems
