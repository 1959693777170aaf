"""Prices as exact rationals, and the feeds that supply them.

A price says how many whole units of `quote` one whole unit of `base` is worth, as a
`Fraction` parsed from the decimal text a source publishes: never a float, so a valuation is
exact and repeatable from its recorded prices. Every price carries its source and the time it
was observed, and a valuation stores them (see `valuation.py`).

Feeds: a prices file (the offline default), Binance's public ticker, and Chainlink price feeds
(`latestRoundData` of an AggregatorV3). Feeds are plain objects with a `fetch(pairs)` method, so
another source is one more small class.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from digisom.errors import InvalidInput
from digisom.reserve.limits import (
    PRICE_DIGITS_MAX,
    PRICES_FILE_BYTES_MAX,
    PRICES_PER_FILE_MAX,
)

ASSET_PATTERN = re.compile(r"^[A-Z0-9]{1,16}$")
DECIMAL_PATTERN = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")
TIME_PATTERN = "%Y-%m-%dT%H:%M:%SZ"

Pair = tuple[str, str]
"""(base, quote), e.g. ("BTC", "USD")."""


@dataclass(frozen=True)
class Price:
    """One observed price."""

    base: str
    quote: str
    value: Fraction
    """Whole units of `quote` per whole unit of `base`; positive."""
    source: str
    """Where it came from: a file path, a URL, a chain id and aggregator address."""
    observed_at: str
    """When the source says the price held, `YYYY-MM-DDTHH:MM:SSZ`."""


class PriceFeed(Protocol):
    """A source of prices for the pairs asked; a pair it does not know is left out."""

    def fetch(self, pairs: list[Pair]) -> list[Price]: ...


def parse_decimal(text: str, what: str) -> Fraction:
    """A positive decimal number given as text, exactly; anything else is refused."""
    if not isinstance(text, str) or len(text) > PRICE_DIGITS_MAX + 1:
        raise InvalidInput(
            f"{what}: a price is a decimal string of at most {PRICE_DIGITS_MAX} digits"
        )
    if DECIMAL_PATTERN.fullmatch(text) is None:
        raise InvalidInput(f"{what}: {text!r} is not a plain decimal number")
    value = Fraction(text)
    if value <= 0:
        raise InvalidInput(f"{what}: a price must be positive, got {text}")
    return value


def check_asset(name: str, what: str) -> str:
    """Asset codes are upper-case letters and digits (BTC, USDT, KGS)."""
    if not isinstance(name, str) or ASSET_PATTERN.fullmatch(name) is None:
        raise InvalidInput(f"{what}: {name!r} is not an asset code (A-Z, 0-9, 1-16 characters)")
    return name


def time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_PATTERN)


def check_time(text: str, what: str) -> str:
    try:
        datetime.strptime(text, TIME_PATTERN)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what}: {text!r} is not YYYY-MM-DDTHH:MM:SSZ") from None
    return text


class FilePriceFeed:
    """Prices from a JSON file: `{"prices": [{"base", "quote", "price", "observed_at"}...]}`.

    The offline default: an operator (or an auditor re-running a valuation) writes down the
    prices used, so the valuation needs no network at all.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prices = _read_prices_file(path)

    def fetch(self, pairs: list[Pair]) -> list[Price]:
        wanted = set(pairs)
        return [p for p in self.prices if (p.base, p.quote) in wanted]


def _read_prices_file(path: Path) -> list[Price]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read prices file {path}: {error.strerror}") from None
    if len(data) > PRICES_FILE_BYTES_MAX:
        raise InvalidInput(f"prices file {path} is over {PRICES_FILE_BYTES_MAX} bytes")
    try:
        document = json.loads(data, parse_float=_no_float, parse_int=_no_float)
    except ValueError as error:
        raise InvalidInput(f"prices file {path}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("prices"), list):
        raise InvalidInput(f"prices file {path}: expected an object with a 'prices' list")
    rows = document["prices"]
    if len(rows) > PRICES_PER_FILE_MAX:
        raise InvalidInput(f"prices file {path}: more than {PRICES_PER_FILE_MAX} prices")
    prices = [_price_row(row, f"{path} price {i}") for i, row in enumerate(rows)]
    seen = set()
    for price in prices:
        if (price.base, price.quote) in seen:
            raise InvalidInput(f"prices file {path}: {price.base}/{price.quote} appears twice")
        seen.add((price.base, price.quote))
    return [Price(p.base, p.quote, p.value, f"file:{path.name}", p.observed_at) for p in prices]


def _no_float(text: str) -> Any:
    raise ValueError(f"numbers must be strings (got {text}): a float would lose exactness")


def _price_row(row: Any, what: str) -> Price:
    if not isinstance(row, dict) or set(row) != {"base", "quote", "price", "observed_at"}:
        raise InvalidInput(f"{what}: expected exactly base, quote, price, observed_at")
    return Price(
        check_asset(row["base"], what),
        check_asset(row["quote"], what),
        parse_decimal(row["price"], what),
        "",
        check_time(row["observed_at"], what),
    )


def price_table(feeds: list[PriceFeed], pairs: list[Pair]) -> dict[Pair, Price]:
    """Ask each feed in turn for the pairs still missing; the first answer wins."""
    found: dict[Pair, Price] = {}
    for feed in feeds:
        missing = [pair for pair in pairs if pair not in found]
        if not missing:
            break
        for price in feed.fetch(missing):
            found.setdefault((price.base, price.quote), price)
    return found
