"""Prices are exact rationals from a file, Binance's ticker (recorded, local) or Chainlink
(a mock aggregator on anvil); bad answers are refused by name."""

import json
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from web3 import Web3

from digisom.errors import InvalidInput
from digisom.reserve.price_feeds import BinanceFeed, ChainlinkFeed, FeedError
from digisom.reserve.prices import FilePriceFeed, parse_decimal, price_table, time_text
from tests.reserve.feeds_support import FIXTURES, deploy_mock_aggregator, recorded_binance


def test_decimal_parsing_is_exact_and_strict() -> None:
    assert parse_decimal("0.1", "x") * 3 == Fraction(3, 10)
    assert parse_decimal("97012.34000000", "x") == Fraction(9701234, 100)
    for bad in ("-1", "0", "1e5", "1.", ".5", "01", " 1", "1,5", "NaN", "٣", "1" * 50):
        with pytest.raises(InvalidInput):
            parse_decimal(bad, "x")


def test_prices_file(tmp_path: Path) -> None:
    feed = FilePriceFeed(FIXTURES / "prices.json")
    (usd,) = feed.fetch([("USD", "KGS")])
    assert usd.value == Fraction(8745, 100) and usd.source == "file:prices.json"
    assert usd.observed_at == "2026-11-24T00:00:00Z"
    bad_files = {
        "float.json": '{"prices": [{"base": "USD", "quote": "KGS", "price": 87.45, '
        '"observed_at": "2026-11-24T00:00:00Z"}]}',
        "dup.json": json.dumps(
            {
                "prices": [
                    {"base": "A", "quote": "B", "price": "1", "observed_at": "2026-11-24T00:00:00Z"}
                ]
                * 2
            }
        ),
        "extra.json": json.dumps(
            {"prices": [{"base": "A", "quote": "B", "price": "1", "observed_at": "x", "y": "1"}]}
        ),
        "time.json": json.dumps(
            {"prices": [{"base": "A", "quote": "B", "price": "1", "observed_at": "yesterday"}]}
        ),
        "asset.json": json.dumps(
            {
                "prices": [
                    {
                        "base": "btc",
                        "quote": "B",
                        "price": "1",
                        "observed_at": "2026-11-24T00:00:00Z",
                    }
                ]
            }
        ),
    }
    messages = {
        "float.json": "numbers must be strings",
        "dup.json": "appears twice",
        "extra.json": "expected exactly",
        "time.json": "is not YYYY-MM-DDTHH:MM:SSZ",
        "asset.json": "is not an asset code",
    }
    for name, text in bad_files.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InvalidInput, match=messages[name]):
            FilePriceFeed(path)


def test_binance_recorded_answers() -> None:
    with recorded_binance() as base_url:
        feed = BinanceFeed(base_url)
        prices = feed.fetch([("BTC", "USDT"), ("ETH", "USDT"), ("BTC", "USD")])
    assert [(p.base, p.quote, p.value) for p in prices] == [
        ("BTC", "USDT", Fraction(9701234, 100)),
        ("ETH", "USDT", Fraction(345678, 100)),
    ]
    assert prices[0].source.endswith("/api/v3/ticker/price?symbol=BTCUSDT")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, b"oops"), "HTTP 500"),
        ((200, b"not json"), "not JSON"),
        ((200, b'{"symbol": "ETHUSDT", "price": "1"}'), "another symbol"),
        ((200, b'{"symbol": "BTCUSDT", "price": 97000.5}'), "not a decimal string"),
        ((200, b'{"symbol": "BTCUSDT", "price": "-3"}'), "not a plain decimal"),
    ],
)
def test_binance_bad_answers(answer: tuple[int, bytes], message: str) -> None:
    with recorded_binance({"BTCUSDT": answer}) as base_url, pytest.raises(FeedError, match=message):
        BinanceFeed(base_url).fetch([("BTC", "USDT")])


def test_binance_unreachable() -> None:
    with recorded_binance() as base_url:
        pass  # the server is shut down: the port refuses connections now
    with pytest.raises(FeedError, match="ConnectError"):
        BinanceFeed(base_url).fetch([("BTC", "USDT")])


def test_chainlink_mock_aggregator(anvil_w3: Web3) -> None:
    chain_now = int(anvil_w3.eth.get_block("latest")["timestamp"])
    updated_at = chain_now - 600
    address = deploy_mock_aggregator(anvil_w3, 8, 9_701_234_000_000, updated_at)
    feed = ChainlinkFeed(anvil_w3, {("BTC", "USD"): address})
    (price,) = feed.fetch([("BTC", "USD"), ("ETH", "USD")])
    assert price.value == Fraction(9_701_234_000_000, 10**8)
    assert price.source == f"chainlink:31337:{address}"
    assert price.observed_at == time_text(datetime.fromtimestamp(updated_at, UTC))
    broken = deploy_mock_aggregator(anvil_w3, 8, -1, updated_at)
    with pytest.raises(FeedError, match="no valid answer"):
        ChainlinkFeed(anvil_w3, {("BTC", "USD"): broken}).fetch([("BTC", "USD")])
    stale = deploy_mock_aggregator(anvil_w3, 8, 1, chain_now - 2 * 86_400)
    with pytest.raises(FeedError, match="s old, above the 90000 s allowed"):
        ChainlinkFeed(anvil_w3, {("BTC", "USD"): stale}).fetch([("BTC", "USD")])


def test_first_feed_wins(tmp_path: Path) -> None:
    with recorded_binance() as base_url:
        table = price_table(
            [FilePriceFeed(FIXTURES / "prices.json"), BinanceFeed(base_url)],
            [("BTC", "USD"), ("BTC", "USDT"), ("XRP", "USD")],
        )
    assert table[("BTC", "USD")].source == "file:prices.json"
    assert table[("BTC", "USDT")].source.startswith(base_url)
    assert ("XRP", "USD") not in table
