"""The reserve registry: what the reserves hold, where, and how each amount is known.

Two portfolios. The stablecoin's backing (`backing:KGST`): som cash at the central bank and
short-term government securities, each a ledger account, so its amount is the ledger's balance
and nothing else. The national crypto reserve (`crypto`): BNB, BTC, ETH, USDT... held at
addresses; on an EVM chain the amount is read from the chain (native balance or ERC-20
`balanceOf`); where no RPC can read it (BTC, custody accounts) it is entered by hand with the
evidence it rests on (a custodian statement, an explorer link), and the valuation says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from web3 import Web3

from digisom.errors import InvalidInput, invariant
from digisom.reserve.limits import EVIDENCE_CHARS_MAX
from digisom.reserve.prices import check_asset
from digisom.storage.base import LedgerStore

_T = TypeVar("_T")
CRYPTO = "crypto"
BACKING_PREFIX = "backing:"
DECIMALS_MAX = 36
EVM_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
ERC20_BALANCE_ABI: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": "balanceOf",
        "stateMutability": "view",
        "inputs": [{"name": "account", "type": "address"}],
        "outputs": [{"name": "", "type": "uint256"}],
    }
]


class Source(StrEnum):
    """How a holding's amount is known."""

    LEDGER = "ledger"
    """A ledger account: amount = credits_posted - debits_posted."""
    EVM_NATIVE = "evm-native"
    """The native coin (BNB, ETH) of an address on an EVM chain."""
    ERC20 = "erc20"
    """An ERC-20 token balance of an address on an EVM chain."""
    MANUAL = "manual"
    """Entered by hand, with evidence, where no RPC can read it."""


def parse_source(text: str) -> Source:
    """A source named on the command line, or a clear error."""
    try:
        return Source(text)
    except ValueError:
        known = ", ".join(s.value for s in Source)
        raise InvalidInput(f"source {text!r} is not one of {known}") from None


@dataclass(frozen=True)
class Holding:
    """One line of a reserve portfolio."""

    portfolio: str
    """`crypto`, or `backing:<TOKEN>` for the reserve behind a stablecoin."""
    asset: str
    decimals: int
    """Base units per whole unit are 10^decimals (KGS 2, BTC 8, ETH 18)."""
    source: Source
    chain_id: int | None = None
    address: str | None = None
    token_contract: str | None = None
    ledger_account_id: int | None = None
    amount_units: int | None = None
    """Only for manual holdings: the amount in base units."""
    evidence: str = ""
    id: int = 0


def check_holding(h: Holding) -> Holding:
    """Refuse a holding whose fields do not fit its source, with the reason."""
    if h.portfolio != CRYPTO and not (
        h.portfolio.startswith(BACKING_PREFIX) and h.portfolio[len(BACKING_PREFIX) :]
    ):
        raise InvalidInput(f"portfolio {h.portfolio!r} is neither 'crypto' nor 'backing:<TOKEN>'")
    if h.portfolio != CRYPTO:
        check_asset(h.portfolio[len(BACKING_PREFIX) :], "backed token")
    check_asset(h.asset, "asset")
    if not 0 <= h.decimals <= DECIMALS_MAX:
        raise InvalidInput(f"decimals must be 0 to {DECIMALS_MAX}, got {h.decimals}")
    if len(h.evidence) > EVIDENCE_CHARS_MAX:
        raise InvalidInput(f"evidence is over {EVIDENCE_CHARS_MAX} characters")
    if h.source is Source.LEDGER and (h.ledger_account_id is None or h.ledger_account_id <= 0):
        raise InvalidInput("a ledger holding needs its ledger account id")
    if h.source in (Source.EVM_NATIVE, Source.ERC20):
        if h.chain_id is None or h.chain_id <= 0:
            raise InvalidInput("an on-chain holding needs its chain id")
        if h.address is None or EVM_ADDRESS.fullmatch(h.address) is None:
            raise InvalidInput(f"{h.address!r} is not a 0x EVM address")
    if h.source is Source.ERC20 and (
        h.token_contract is None or EVM_ADDRESS.fullmatch(h.token_contract) is None
    ):
        raise InvalidInput("an ERC-20 holding needs the token contract's 0x address")
    if h.source is Source.MANUAL:
        if h.amount_units is None or h.amount_units < 0:
            raise InvalidInput("a manual holding needs a non-negative amount in base units")
        if not h.evidence.strip():
            raise InvalidInput("a manual holding needs evidence (statement, explorer link)")
    return h


@dataclass(frozen=True)
class Reading:
    """A holding's amount as read for one valuation, and how it was read."""

    holding: Holding
    amount_units: int
    how: str
    """`ledger height N`, `chain 56 block N`, or `manual: <evidence>`."""


def read_amount(store: LedgerStore, holding: Holding, chains: dict[int, Web3]) -> Reading:
    """The holding's amount now; on-chain holdings need a client for their chain."""
    if holding.source is Source.LEDGER:
        found = store.get_account(_need(holding.ledger_account_id))
        if found is None:
            raise InvalidInput(f"ledger account {holding.ledger_account_id} does not exist")
        _record, (_dp, debits_posted, _cp, credits_posted) = found
        amount = credits_posted - debits_posted
        if amount < 0:
            raise InvalidInput(f"ledger account {holding.ledger_account_id} is negative")
        return Reading(holding, amount, f"ledger height {store.head().height}")
    if holding.source is Source.MANUAL:
        return Reading(holding, _need(holding.amount_units), f"manual: {holding.evidence}")
    w3 = chains.get(_need(holding.chain_id))
    if w3 is None:
        raise InvalidInput(f"holding {holding.id} is on chain {holding.chain_id}: give its RPC")
    address = Web3.to_checksum_address(_need(holding.address))
    block = int(w3.eth.block_number)
    if holding.source is Source.EVM_NATIVE:
        amount = int(w3.eth.get_balance(address, block))
    else:
        contract = Web3.to_checksum_address(_need(holding.token_contract))
        token = w3.eth.contract(address=contract, abi=ERC20_BALANCE_ABI)
        amount = int(token.functions.balanceOf(address).call(block_identifier=block))
    return Reading(holding, amount, f"chain {holding.chain_id} block {block}")


def _need(value: _T | None) -> _T:
    """A field `check_holding` guaranteed for this source (survives `python -O`)."""
    invariant(value is not None, "a checked holding has the fields of its source")
    assert value is not None
    return value
