"""The public JSON endpoints and the page routes, without a browser, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.api.routes.public import ratio_percent
from digisom.bridge.limits import ESCROW_ACCOUNT_CODE
from digisom.ledger.service import Ledger
from digisom.platform.accounts import Code
from digisom.reserve.holdings import Holding, Reading, Source
from digisom.reserve.prices import Price
from digisom.reserve.reserve_store import store_valuation
from digisom.reserve.valuation import value_reserves
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from digisom.web.figures import suppressed_cells
from digisom.web.layers import LEDGER, UNREGISTERED_ESCROW, chain_layer, layer_of
from digisom.web.router import PAGES
from tests.web import seed


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([12, 30, 0], [False, False, False]),
        ([12, 3, 0, 40], [True, True, False, False]),
        ([2, 12, 7, 3, 0], [True, False, True, True, False]),
        ([5, 6, 100], [True, True, False]),
        ([3, 4, 11, 50], [True, True, True, False]),
        ([4, 3], [True, True]),
        ([0, 0], [False, False]),
        ([9, 0, 0], [True, True, True]),
    ],
)
def test_suppression_leaves_no_cell_or_difference_under_ten(
    counts: list[int], hidden: list[bool]
) -> None:
    assert suppressed_cells(counts) == hidden
    total = sum(counts)
    published = [c for c, h in zip(counts, hidden, strict=True) if not h]
    assert all(c == 0 or c >= 10 for c in published)
    derived = total - sum(published)
    assert total < 10 or derived == 0 or derived >= 10


def test_ratio_is_integer_arithmetic_rounded_down() -> None:
    assert ratio_percent(104_000_333_333, 100_000_000_000) == "104.00"
    assert ratio_percent(2, 3) == "66.66"
    assert ratio_percent(10**40 + 1, 10**40) == "100.00"
    assert ratio_percent(5, 0) is None


def test_layers_by_code() -> None:
    escrow = {77: chain_layer(56, "KGST")}
    assert layer_of(417, Code.WALLET, 1, escrow) == LEDGER
    assert layer_of(417, Code.BANK_DIGITAL, 1, escrow) == LEDGER
    assert layer_of(417, ESCROW_ACCOUNT_CODE, 77, escrow) == escrow[77]
    assert escrow[77].name == "KGST on BNB Smart Chain"
    assert layer_of(417, ESCROW_ACCOUNT_CODE, 78, escrow) == UNREGISTERED_ESCROW
    assert layer_of(417, Code.TOKEN_ESCROW, 79, escrow) == UNREGISTERED_ESCROW
    assert layer_of(417, Code.CB_ISSUANCE, 1, escrow) is None
    assert layer_of(417, Code.BANK_RESERVE, 1, escrow) is None
    assert layer_of(1417, Code.WALLET, 1, escrow) is None


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    url = parse_database_url(db_url)
    store = open_store(url)
    try:
        seed.seed(Ledger(store))
    finally:
        store.close()
    with TestClient(create_app(url)) as test_client:
        yield test_client


def test_public_figures_from_the_seeded_ledger(client: TestClient) -> None:
    supply: Any = client.get("/v1/public/supply").json()
    layers = {layer["key"]: layer for layer in supply["layers"]}
    assert set(layers) == {"ledger", "chain-31337-kgst"}
    assert layers["chain-31337-kgst"]["amount_minor"] == str(seed.ESCROW_MINOR)
    assert layers["ledger"]["accounts"] == 2 + len(seed.WALLET_BALANCES_MINOR)
    assert supply["total_minor"] == supply["issued_minor"] == str(seed.ISSUED_MINOR)
    stats: Any = client.get("/v1/public/statistics").json()
    assert [b["count"] for b in stats["wallet_bands"]] == [None, 12, None, None, 0]
    assert [b["amount_minor"] for b in stats["wallet_bands"]][1] == str(12 * 50_000)
    latest: Any = client.get("/v1/public/por/latest").json()
    roots: Any = client.get("/v1/por/roots?limit=1").json()
    assert latest["root"] == roots["roots"][0]["root"]
    assert latest["root"]["sum"] == str(seed.ISSUED_MINOR - seed.ESCROW_MINOR)
    assert latest["anchor"] is None
    assert client.get("/v1/public/reserves").json() == {"valuations": []}
    assert client.get("/v1/public/treasury/payouts").json() == {"payouts": []}


def test_public_endpoints_need_no_key_and_pages_are_locked_down(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    vendor = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert vendor.status_code == 200 and vendor.text.startswith("/*!\n * Chart.js v4.6.1")
    assert client.get("/static/vendor/chartjs/LICENSE.md").status_code == 200
    assert client.get("/v1/ledger/head").status_code == 401


def test_stored_reserve_valuations_are_published(db_url: str) -> None:
    """A valuation the reserves service stored shows on the portal: the KGST backing by asset
    over KGST's supply; the national crypto reserve backs no token and is left out."""
    url = parse_database_url(db_url)
    store = open_store(url)
    cash = Holding("backing:KGST", "KGS", 2, Source.MANUAL, amount_units=60_000_00, evidence="a")
    bills = Holding("backing:KGST", "USD", 2, Source.MANUAL, amount_units=500_00, evidence="b")
    bnb = Holding("crypto", "BNB", 18, Source.MANUAL, amount_units=10**18, evidence="c")
    prices = {
        ("USD", "KGS"): Price("USD", "KGS", Fraction(87), "prices.csv", "2026-11-24T00:00:00Z"),
        ("BNB", "USD"): Price("BNB", "USD", Fraction(600), "prices.csv", "2026-11-24T00:00:00Z"),
    }
    readings = [Reading(h, h.amount_units or 0, "manual") for h in (cash, bills, bnb)]
    try:
        store_valuation(store, value_reserves(readings, prices, {"KGST": 90_000_00}))
    finally:
        store.close()
    with TestClient(create_app(url)) as client:
        found: Any = client.get("/v1/public/reserves").json()["valuations"]
    assert len(found) == 1
    components = {c["asset"]: c["value_minor"] for c in found[0]["components"]}
    assert components == {"KGS": str(60_000_00), "USD": str(500_00 * 87)}
    assert found[0]["ratio_percent"] == "115.00"  # (60,000 + 43,500) / 90,000
