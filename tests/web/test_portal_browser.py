"""The portal and the console in a real headless Chromium against the real app and real data.

Every figure on a page is compared with the JSON the public API returns for the same state, and
with the seeded ledger; the proof page must accept a real proof and reject altered ones; the
console must refuse a bad key and work with a good one. Screenshots go to test-artifacts/.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from digisom.keys import Role
from digisom.reserve.liabilities import account_uid
from digisom.reserve.por.proof import proof_to_json
from digisom.reserve.por.verify import verify_proof_json
from digisom.reserve.snapshots import proof_for_uid
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from digisom.web.sources import (
    PublicSources,
    ReserveComponent,
    ReserveValuation,
    TreasuryPayout,
)
from tests.web import seed
from tests.web.conftest import ARTIFACTS, Portal, make_portal_with_sources

pytestmark = pytest.mark.browser
WAIT_MS = 10_000
EXPECTED = re.compile(r"Failed to load resource: the server responded with a status of 40[134] ")


def som(minor: int | str) -> str:
    """The page's formatting of tyiyn, written independently of the JS: "1,234.56 som"."""
    value = int(minor)
    return f"{value // 100:,}.{value % 100:02d} som"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context per test; any console error or page error fails the test (a CSP
    violation, a failed script, an exception in a page's module). Chromium also logs every HTTP
    401/403/404 answer as an error; the console tests provoke those on purpose, so they pass."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    opened = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED.match(message.text):
            problems.append(message.text)

    opened.on("console", on_console)
    opened.on("pageerror", lambda e: problems.append(str(e)))
    try:
        yield opened
    finally:
        context.close()
    assert problems == []


def open_page(page: Page, portal: Portal, path: str) -> None:
    page.goto(portal.base_url + path)
    page.wait_for_selector("body[data-ready='true']", timeout=WAIT_MS)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def proof_of(portal_url: str, account_id: int) -> bytes:
    store = open_store(parse_database_url(portal_url))
    try:
        return proof_to_json(proof_for_uid(store, account_uid(account_id)))
    finally:
        store.close()


def test_supply_page_shows_the_api_figures(portal: Portal, page: Page) -> None:
    supply: Any = portal.get("/v1/public/supply")
    latest: Any = portal.get("/v1/public/por/latest")
    open_page(page, portal, "/")
    assert supply["issued_minor"] == str(seed.ISSUED_MINOR)
    assert supply["total_minor"] == supply["issued_minor"]
    by_key = {layer["key"]: layer for layer in supply["layers"]}
    assert by_key["chain-31337-kgst"]["amount_minor"] == str(seed.ESCROW_MINOR)
    assert by_key["ledger"]["amount_minor"] == str(seed.ISSUED_MINOR - seed.ESCROW_MINOR)
    rows = page.locator("#supply-table tbody tr")
    assert rows.count() == len(supply["layers"])
    for layer in supply["layers"]:
        row = page.locator(f"#supply-table tr[data-key='{layer['key']}']")
        assert row.locator("th").inner_text() == layer["name"]
        cell = row.locator("td[data-minor]")
        assert cell.get_attribute("data-minor") == layer["amount_minor"]
        assert cell.inner_text() == som(layer["amount_minor"])
    assert page.locator("#supply-total").inner_text() == som(supply["total_minor"])
    assert page.locator("#supply-issued").inner_text() == som(supply["issued_minor"])
    assert "add up to exactly" in page.locator("#supply-balance").inner_text()
    assert page.locator("#supply-figure canvas").is_visible()
    root = latest["root"]
    assert page.locator("#root-hash").inner_text() == root["hash"]
    assert page.locator("#root-sum").inner_text() == som(root["sum"])
    assert page.locator("#root-snapshot").inner_text() == "2026-11-24T00:00:00Z"
    assert page.locator("#root-anchor").inner_text() == "not anchored on chain yet"
    shot(page, "portal-supply")


def test_reserves_and_payouts_say_nothing_is_published(portal: Portal, page: Page) -> None:
    assert portal.get("/v1/public/reserves") == {"valuations": []}
    open_page(page, portal, "/reserves")
    assert page.locator("#reserves-status").inner_text() == (
        "No valuation of the reserves has been published yet."
    )
    assert page.locator("#reserves-content").is_hidden()
    shot(page, "portal-reserves-empty")
    assert portal.get("/v1/public/treasury/payouts") == {"payouts": []}
    open_page(page, portal, "/treasury")
    assert "No on-chain payout" in page.locator("#payouts-status").inner_text()
    assert page.locator("#payouts-table").is_hidden()


VALUATIONS = (
    ReserveValuation(
        "2026-09-30T00:00:00Z",
        (
            ReserveComponent("Gold", 600_000_000_00),
            ReserveComponent("US Treasury bills", 450_000_000_00),
        ),
        1_000_000_000_00,
    ),
    ReserveValuation(
        "2026-10-31T00:00:00Z",
        (
            ReserveComponent("Gold", 640_000_000_00),
            ReserveComponent("US Treasury bills", 400_000_000_00),
            ReserveComponent("Deposits at the BIS", 3_333_33),
        ),
        1_000_000_000_00,
    ),
)
PAYOUTS = (
    TreasuryPayout(
        31337,
        "0x" + "12" * 32,
        812,
        "2026-11-20T09:30:00Z",
        "0x" + "cd" * 20,
        4_500_00,
        "Teachers' salaries <November>",
    ),
)


@pytest.fixture(scope="module")
def published_portal(seeded_url: Any) -> Iterator[Portal]:
    """The app with reserve valuations and payouts plugged in through `PublicSources`, as the
    reserves service and the bridge indexer will do (the figures are this test's inputs)."""
    sources = PublicSources(valuations=lambda _: VALUATIONS, payouts=lambda _: PAYOUTS)
    yield from make_portal_with_sources(seeded_url, sources)


def test_reserves_page_shows_valuations_and_ratio(published_portal: Portal, page: Page) -> None:
    reserves: Any = published_portal.get("/v1/public/reserves")
    latest = reserves["valuations"][-1]
    assert latest["reserves_minor"] == str(104_000_333_333)
    assert latest["ratio_percent"] == "104.00"
    open_page(page, published_portal, "/reserves")
    assert page.locator("#latest-reserves").inner_text() == som(latest["reserves_minor"])
    assert page.locator("#latest-liabilities").inner_text() == som(latest["liabilities_minor"])
    assert page.locator("#latest-ratio").inner_text() == "104.00 %"
    cells = page.locator("#composition-table td[data-minor]")
    assert [cells.nth(i).inner_text() for i in range(cells.count())] == [
        som(c["value_minor"]) for c in latest["components"]
    ]
    assert page.locator("#history-table tbody tr").count() == 2
    assert page.locator("#history-chart").is_visible()
    assert page.locator("#composition-chart").is_visible()
    shot(page, "portal-reserves")
    open_page(page, published_portal, "/treasury")
    row = page.locator("#payouts-table tbody tr")
    assert row.count() == 1
    assert "Teachers' salaries <November>" in row.inner_text()
    assert row.locator("td[data-minor]").inner_text() == som(4_500_00)


def test_statistics_suppress_small_cells(portal: Portal, page: Page) -> None:
    stats: Any = portal.get("/v1/public/statistics")
    counts = [band["count"] for band in stats["wallet_bands"]]
    assert counts == [None, 12, None, None, 0]
    assert stats["wallet_count"] == 24
    open_page(page, portal, "/statistics")
    rows = page.locator("#bands-table tbody tr")
    for i, band in enumerate(stats["wallet_bands"]):
        row = rows.nth(i)
        if band["suppressed"]:
            assert row.locator("td[data-suppressed='true']").count() == 2
            assert "suppressed" in row.inner_text()
        else:
            assert row.locator("td[data-count]").get_attribute("data-count") == str(band["count"])
            assert row.locator("td[data-minor]").inner_text() == som(band["amount_minor"])
    assert page.locator("#wallet-count").inner_text() == "24"
    assert "3 of 5 cells are suppressed" in page.locator("#stats-status").inner_text()
    shot(page, "portal-statistics")


def _mutations(proof: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def changed(edit: Any) -> dict[str, Any]:
        copy = json.loads(json.dumps(proof))
        edit(copy)
        return copy

    def flip_nibble(text: str) -> str:
        return ("1" if text[0] != "1" else "2") + text[1:]

    def plus_one(value: str) -> str:
        return str(int(value) + 1)

    return {
        "balance": changed(lambda p: p["leaf"].update(balance=plus_one(p["leaf"]["balance"]))),
        "sibling sum": changed(lambda p: p["path"][0].update(sum=plus_one(p["path"][0]["sum"]))),
        "hash nibble": changed(
            lambda p: p["path"][-1].update(hash=flip_nibble(p["path"][-1]["hash"]))
        ),
    }


def test_proof_page_accepts_a_real_proof_and_rejects_altered_ones(
    portal: Portal, page: Page, seeded_url: Any
) -> None:
    wallet = portal.seeded.wallet_ids[5]
    good = proof_of(seeded_url[0], wallet)
    assert verify_proof_json(good).accepted
    open_page(page, portal, "/proof")
    page.fill("#proof-text", good.decode())
    page.click("#proof-check")
    page.wait_for_selector("#proof-result[data-verdict='accepted']", timeout=WAIT_MS)
    assert page.locator("#proof-balance").inner_text() == som(50_000)
    assert page.locator("#proof-uid").inner_text() == account_uid(wallet)
    assert page.locator("#proof-published").inner_text() == "It is the latest root published here."
    shot(page, "portal-proof-accepted")
    for name, altered in _mutations(json.loads(good)).items():
        assert not verify_proof_json(json.dumps(altered).encode()).accepted, name
        page.fill("#proof-text", json.dumps(altered))
        page.click("#proof-check")
        page.wait_for_selector("#proof-result[data-verdict='rejected']", timeout=WAIT_MS)
        assert page.locator("#proof-reason").inner_text().startswith("recomputed root"), name
    shot(page, "portal-proof-rejected")


def test_console_refuses_a_bad_key_and_shows_an_account(portal: Portal, page: Page) -> None:
    open_page(page, portal, "/console")
    page.fill("#api-key", "dsk_not-a-key")
    page.click("#login-form button[type='submit']")
    page.wait_for_selector("#login-status:not([hidden])", timeout=WAIT_MS)
    assert "The key was refused" in page.locator("#login-status").inner_text()
    assert page.locator("#console").is_hidden()
    assert page.evaluate("sessionStorage.getItem('digisom.apiKey')") is None

    operator = portal.keys[Role.OPERATOR]
    page.fill("#api-key", operator)
    page.click("#login-form button[type='submit']")
    page.wait_for_selector("#head-height", timeout=WAIT_MS)
    head: Any = portal.get("/v1/ledger/head", operator)
    assert page.locator("#head-height").inner_text() == head["height"]
    assert page.locator("#head-hash").inner_text() == head["hash"]
    assert page.locator("#extra-sections h2").all_inner_texts()[:1] == ["Issuance check"]

    wallet = portal.seeded.wallet_ids[20]
    page.fill("#account-id", str(wallet))
    page.click("#account-form button[type='submit']")
    page.wait_for_selector("#account-balance", timeout=WAIT_MS)
    account: Any = portal.get(f"/v1/ledger/accounts/{wallet}", operator)
    balance = int(account["credits_posted"]) - int(account["debits_posted"])
    assert balance == seed.WALLET_BALANCES_MINOR[20]
    assert page.locator("#account-balance").inner_text() == som(balance)
    assert page.locator("#account-frozen").inner_text() == "active"
    assert page.locator("#account-transfers tbody tr").count() == 1

    page.fill("#freeze-reason", "Court order 2026-11-24 No. 7 (portal test)")
    page.click("#freeze-button")
    page.wait_for_selector("#account-frozen[data-frozen='true']", timeout=WAIT_MS)
    frozen: Any = portal.get(f"/v1/ledger/accounts/{wallet}", operator)
    assert frozen["frozen"] is True
    shot(page, "console-account-frozen")
    page.fill("#freeze-reason", "Order lifted (portal test)")
    page.click("#freeze-button")
    page.wait_for_selector("#account-frozen[data-frozen='false']", timeout=WAIT_MS)
    assert portal.get(f"/v1/ledger/accounts/{wallet}", operator)["frozen"] is False  # type: ignore[index]

    transfer_id = portal.seeded.transfer_ids[0]
    page.fill("#transfer-id", str(transfer_id))
    page.click("#transfer-form button[type='submit']")
    page.wait_for_selector("#transfer-amount", timeout=WAIT_MS)
    assert page.locator("#transfer-amount").inner_text() == som(seed.ISSUED_MINOR)
    page.fill("#account-id", "123456789")
    page.click("#account-form button[type='submit']")
    page.wait_for_selector("#account-status:not([hidden])", timeout=WAIT_MS)
    assert page.locator("#account-status").inner_text().startswith("Not found")


def test_console_auditor_cannot_freeze(portal: Portal, page: Page) -> None:
    open_page(page, portal, "/console")
    page.fill("#api-key", portal.keys[Role.AUDITOR])
    page.click("#login-form button[type='submit']")
    page.wait_for_selector("#head-height", timeout=WAIT_MS)
    page.fill("#account-id", str(portal.seeded.wallet_ids[0]))
    page.click("#account-form button[type='submit']")
    page.wait_for_selector("#account-balance", timeout=WAIT_MS)
    page.fill("#freeze-reason", "An auditor tries to freeze")
    page.click("#freeze-button")
    page.wait_for_selector("#freeze-status:not([hidden])", timeout=WAIT_MS)
    assert page.locator("#freeze-status").inner_text().startswith("Not allowed for this key")
    assert page.locator("#account-frozen").inner_text() == "active"
