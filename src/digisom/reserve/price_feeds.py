"""Price adapters for live sources: Binance's public ticker and Chainlink aggregators.

Both are read-only and need no key. Every HTTP request has a timeout and a size cap; tests point
the Binance adapter at a local server that replays a recorded answer, and the Chainlink adapter
at a mock aggregator deployed on anvil, never at the internet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import httpx
from web3 import Web3

from digisom.errors import DigisomError, InvalidInput
from digisom.reserve.limits import HTTP_BODY_BYTES_MAX, HTTP_TIMEOUT_S
from digisom.reserve.prices import Pair, Price, check_asset, parse_decimal, time_text

BINANCE_BASE_URL = "https://api.binance.com"
TICKER_PATH = "/api/v3/ticker/price"

AGGREGATOR_V3_ABI: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": "latestRoundData",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [
            {"name": "roundId", "type": "uint80"},
            {"name": "answer", "type": "int256"},
            {"name": "startedAt", "type": "uint256"},
            {"name": "updatedAt", "type": "uint256"},
            {"name": "answeredInRound", "type": "uint80"},
        ],
    },
    {
        "type": "function",
        "name": "decimals",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"name": "", "type": "uint8"}],
    },
]
CHAINLINK_DECIMALS_MAX = 36
CHAINLINK_MAX_AGE_S = 86_400 + 3_600
"""Chainlink USD feeds update at least daily (their heartbeat); older answers are refused."""
BINANCE_INVALID_SYMBOL = -1121
"""Binance's error code for a symbol it does not list: the feed has no price, not a failure."""


class FeedError(DigisomError):
    """A price source answered badly or not at all."""


class BinanceFeed:
    """Spot prices from Binance's public ticker: `GET /api/v3/ticker/price?symbol=BTCUSDT`.

    Binance quotes in USDT, not USD: the adapter reports the pair as (base, "USDT"), and the
    valuation converts USDT to USD with a USDT/USD price from another source, so a de-peg of
    USDT shows up instead of being assumed away.
    """

    def __init__(self, base_url: str = BINANCE_BASE_URL, quote: str = "USDT") -> None:
        self.base_url = base_url.rstrip("/")
        self.quote = check_asset(quote, "Binance quote")

    def fetch(self, pairs: list[Pair]) -> list[Price]:
        prices = []
        with httpx.Client(timeout=HTTP_TIMEOUT_S) as client:
            for base, quote in pairs:
                if quote != self.quote or base == quote:
                    continue
                price = self._one(client, base)
                if price is not None:
                    prices.append(price)
        return prices

    def _one(self, client: httpx.Client, base: str) -> Price | None:
        """The price of `base`, or None if Binance lists no such symbol."""
        symbol = check_asset(base, "Binance base") + self.quote
        url = f"{self.base_url}{TICKER_PATH}"
        try:
            answer = client.get(url, params={"symbol": symbol})
        except httpx.HTTPError as error:
            raise FeedError(f"Binance ticker {symbol}: {type(error).__name__}") from None
        if answer.status_code == 400 and _error_code(answer) == BINANCE_INVALID_SYMBOL:
            return None
        if answer.status_code != 200:
            raise FeedError(f"Binance ticker {symbol}: HTTP {answer.status_code}")
        if len(answer.content) > HTTP_BODY_BYTES_MAX:
            raise FeedError(f"Binance ticker {symbol}: answer too large")
        try:
            body = answer.json()
        except ValueError:
            raise FeedError(f"Binance ticker {symbol}: not JSON") from None
        if not isinstance(body, dict) or body.get("symbol") != symbol:
            raise FeedError(f"Binance ticker {symbol}: answer is for another symbol")
        text = body.get("price")
        if not isinstance(text, str):
            raise FeedError(f"Binance ticker {symbol}: the price is not a decimal string")
        try:
            value = parse_decimal(text, f"Binance {symbol}")
        except InvalidInput as error:
            raise FeedError(error.message) from None
        observed = time_text(datetime.now(UTC))
        return Price(base, self.quote, value, f"{url}?symbol={symbol}", observed)


def _error_code(answer: httpx.Response) -> int | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


class ChainlinkFeed:
    """Prices from Chainlink AggregatorV3 contracts: answer / 10^decimals, at `updatedAt`."""

    def __init__(
        self, w3: Web3, aggregators: dict[Pair, str], max_age_s: int = CHAINLINK_MAX_AGE_S
    ) -> None:
        self.w3 = w3
        self.max_age_s = max_age_s
        self.aggregators = {pair: Web3.to_checksum_address(a) for pair, a in aggregators.items()}

    def fetch(self, pairs: list[Pair]) -> list[Price]:
        return [self._one(pair) for pair in pairs if pair in self.aggregators]

    def _one(self, pair: Pair) -> Price:
        address = self.aggregators[pair]
        contract = self.w3.eth.contract(address=address, abi=AGGREGATOR_V3_ABI)
        decimals = int(contract.functions.decimals().call())
        _round, answer, _started, updated_at, _answered = (
            contract.functions.latestRoundData().call()
        )
        where = f"chainlink:{int(self.w3.eth.chain_id)}:{address}"
        if not 0 <= decimals <= CHAINLINK_DECIMALS_MAX:
            raise FeedError(f"{where}: {decimals} decimals is not a price feed")
        if int(answer) <= 0 or int(updated_at) <= 0:
            raise FeedError(f"{where}: no valid answer (answer {answer}, updatedAt {updated_at})")
        chain_now = int(self.w3.eth.get_block("latest")["timestamp"])
        if chain_now - int(updated_at) > self.max_age_s:
            raise FeedError(
                f"{where}: the answer is {chain_now - int(updated_at)} s old, "
                f"above the {self.max_age_s} s allowed"
            )
        observed = time_text(datetime.fromtimestamp(int(updated_at), UTC))
        return Price(pair[0], pair[1], Fraction(int(answer), 10**decimals), where, observed)
