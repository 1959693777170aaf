"""One reserve valuation end to end: read every holding, fetch prices, value, store.

Everything is read first and checked (amounts, prices for every asset); only a complete
valuation is stored, with the prices it used, so history never holds a half-valued reserve.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from digisom.errors import InvalidInput
from digisom.reserve.holdings import read_amount
from digisom.reserve.prices import PriceFeed, price_table
from digisom.reserve.reserve_store import list_holdings, store_valuation
from digisom.reserve.valuation import Valuation, pairs_needed, value_reserves
from digisom.storage.base import LedgerStore


@dataclass(frozen=True)
class Appraisal:
    valuation_id: int
    valuation: Valuation


def appraise(
    store: LedgerStore,
    feeds: list[PriceFeed],
    chains: dict[int, Web3],
    supplies_minor: dict[str, int],
) -> Appraisal:
    """Value every registered holding now and store the valuation."""
    # Ledger balances are read in one snapshot, so two backing accounts are never read at two
    # different ledger heights (a transfer between them would count twice or not at all).
    with store.read_snapshot():
        holdings = list_holdings(store)
        if not holdings:
            raise InvalidInput("no reserve holdings are registered: add some first")
        readings = [read_amount(store, holding, chains) for holding in holdings]
    prices = price_table(feeds, pairs_needed(readings))
    valuation = value_reserves(readings, prices, supplies_minor)
    return Appraisal(store_valuation(store, valuation), valuation)
