"""Valuing the reserves: exact integer amounts in som and USD minor units, and reserve ratios.

value (quote minor units) = floor(amount_units * price * 100 / 10^decimals), with the price an
exact `Fraction`: nothing is ever a float. Rounding is down, so a valuation never overstates
the reserves by even a tyiyn. A token's supply in minor units is rounded up for the same reason,
and the reserve ratio (backing / supply) is floor(backing * 10,000 / supply) basis points.

Price routes: an asset's USD price is the (asset, USD) price, else (asset, USDT) times
(USDT, USD); som values come from USD with the (USD, KGS) price, and KGS is valued at par.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from digisom.errors import InvalidInput, invariant
from digisom.reserve.holdings import BACKING_PREFIX, CRYPTO, Reading
from digisom.reserve.limits import RATIO_BPS_ONE
from digisom.reserve.prices import Pair, Price

SOM = "KGS"
USD = "USD"
USDT = "USDT"
MINOR_PER_UNIT = 100
"""Both the som (tyiyn) and the dollar (cents) have 100 minor units."""


@dataclass(frozen=True)
class Line:
    """One holding, valued."""

    reading: Reading
    usd_minor: int
    som_minor: int


@dataclass(frozen=True)
class Valuation:
    """A whole valuation: lines, totals, ratios and the exact prices used."""

    lines: tuple[Line, ...]
    backing_som_minor: dict[str, int]
    """Per backed token: the som value of its backing portfolio."""
    crypto_usd_minor: int
    crypto_som_minor: int
    supply_minor: dict[str, int]
    ratio_bps: dict[str, int]
    prices_used: dict[Pair, Price] = field(default_factory=dict)


def pairs_needed(readings: list[Reading]) -> list[Pair]:
    """Every pair a valuation of these readings may use, for the feeds to fetch."""
    pairs: list[Pair] = [(USD, SOM), (USDT, USD)]
    for reading in readings:
        asset = reading.holding.asset
        if asset not in (SOM, USD):
            pairs += [(asset, USD), (asset, USDT)]
    return list(dict.fromkeys(pairs))


class _Pricer:
    def __init__(self, prices: dict[Pair, Price]) -> None:
        self.prices = prices
        self.used: dict[Pair, Price] = {}

    def get(self, pair: Pair) -> Fraction | None:
        price = self.prices.get(pair)
        if price is None:
            return None
        self.used[pair] = price
        return price.value

    def usd_per_unit(self, asset: str) -> Fraction:
        if asset == USD:
            return Fraction(1)
        if asset == SOM:
            return 1 / self.som_per_usd()
        direct = self.get((asset, USD))
        if direct is not None:
            return direct
        via_usdt = self.get((asset, USDT))
        usdt = self.get((USDT, USD)) if via_usdt is not None else None
        if via_usdt is None or usdt is None:
            raise InvalidInput(
                f"no price for {asset}: need {asset}/USD, or {asset}/USDT and USDT/USD"
            )
        return via_usdt * usdt

    def som_per_usd(self) -> Fraction:
        rate = self.get((USD, SOM))
        if rate is None:
            raise InvalidInput("no USD/KGS price: som values need it")
        return rate


def pow10(exponent: int) -> int:
    """10^exponent as an int (mypy types `int ** int` as Any: a negative exponent gives a float)."""
    invariant(exponent >= 0, "scales are non-negative powers of ten")
    return int(10**exponent)


def _minor(amount_units: int, decimals: int, quote_per_unit: Fraction) -> int:
    exact = amount_units * quote_per_unit * MINOR_PER_UNIT / pow10(decimals)
    return exact.numerator // exact.denominator


def value_line(pricer: _Pricer, reading: Reading) -> Line:
    h = reading.holding
    if h.asset == SOM:
        som = _minor(reading.amount_units, h.decimals, Fraction(1))
        usd = _minor(reading.amount_units, h.decimals, 1 / pricer.som_per_usd())
        return Line(reading, usd, som)
    usd_price = pricer.usd_per_unit(h.asset)
    usd = _minor(reading.amount_units, h.decimals, usd_price)
    som = _minor(reading.amount_units, h.decimals, usd_price * pricer.som_per_usd())
    return Line(reading, usd, som)


def supply_minor(total_supply_units: int, decimals: int) -> int:
    """A token supply in minor units (2 decimals), rounded up: liabilities are never understated."""
    if decimals < 2:
        return total_supply_units * pow10(2 - decimals)
    scale = pow10(decimals - 2)
    return -(-total_supply_units // scale)


def ratio_bps(backing_minor: int, supply: int) -> int | None:
    """floor(backing / supply * 10,000); None when nothing is in circulation."""
    if supply == 0:
        return None
    return backing_minor * RATIO_BPS_ONE // supply


def value_reserves(
    readings: list[Reading], prices: dict[Pair, Price], supplies_minor: dict[str, int]
) -> Valuation:
    """Value every reading; missing prices are refused by name before anything is stored."""
    pricer = _Pricer(prices)
    lines = tuple(value_line(pricer, r) for r in readings)
    backing: dict[str, int] = {}
    crypto_usd = crypto_som = 0
    for line in lines:
        portfolio = line.reading.holding.portfolio
        if portfolio == CRYPTO:
            crypto_usd += line.usd_minor
            crypto_som += line.som_minor
        else:
            token = portfolio[len(BACKING_PREFIX) :]
            backing[token] = backing.get(token, 0) + line.som_minor
    ratios = {}
    for token, supply in supplies_minor.items():
        ratio = ratio_bps(backing.get(token, 0), supply)
        if ratio is not None:
            ratios[token] = ratio
    return Valuation(
        lines, backing, crypto_usd, crypto_som, dict(supplies_minor), ratios, dict(pricer.used)
    )
