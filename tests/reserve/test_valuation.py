"""A whole valuation: ledger backing, native and ERC-20 balances read from anvil, a manual BTC
holding, prices from a file and recorded Binance answers; exact integers, stored with prices;
then the backing reported to KGST, which refuses to mint past it."""

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractCustomError
from web3.types import Wei

from digisom.chain.client import send_transaction
from digisom.chain.deploy import deploy_tokens
from digisom.chain.keys import ANVIL_DEV_KEY
from digisom.errors import InvalidInput
from digisom.ledger.model import Account as LedgerAccount
from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.reserve.appraise import appraise
from digisom.reserve.holdings import Holding, Source
from digisom.reserve.price_feeds import BinanceFeed
from digisom.reserve.prices import FilePriceFeed, PriceFeed
from digisom.reserve.report import kgst_contract, report_reserves, token_supply_minor
from digisom.reserve.reserve_store import add_holding, valuation_history
from digisom.reserve.valuation import ratio_bps, supply_minor
from digisom.storage.base import LedgerStore
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.reserve.feeds_support import FIXTURES, recorded_binance
from tests.reserve.ledger_support import BANK_RESERVE_ID, CREDIT_NORMAL, RESERVE_CONTROL_ID, SOM

SECURITIES_ID = 1200
ETH_HOLDER = "0x1111111111111111111111111111111111111111"
TOKEN_HOLDER = "0x2222222222222222222222222222222222222222"


def _prices_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    text = (
        (FIXTURES / "prices.json")
        .read_text()
        .replace(
            '  {"base": "BTC"',
            '  {"base": "KGST", "quote": "USD", "price": "0.011435", '
            '"observed_at": "2026-11-24T00:00:00Z"},\n  {"base": "BTC"',
        )
    )
    path.write_text(text)
    return path


def _register(store: LedgerStore, w3: Web3, kgst: str) -> None:
    ledger = Ledger(store)
    assert ledger.create_accounts(
        [LedgerAccount(SECURITIES_ID, SOM, 12, CREDIT_NORMAL)]
    ).results == ["ok"]
    assert ledger.create_transfers(
        [Transfer(1200, RESERVE_CONTROL_ID, SECURITIES_ID, 300_000, SOM, 1)]
    ).results == ["ok"]
    w3.eth.send_transaction(
        {"from": w3.eth.accounts[0], "to": ETH_HOLDER, "value": Wei(15 * 10**17)}
    )
    backing = "backing:KGST"
    add_holding(store, Holding(backing, "KGS", 2, Source.LEDGER, ledger_account_id=BANK_RESERVE_ID))
    add_holding(store, Holding(backing, "KGS", 2, Source.LEDGER, ledger_account_id=SECURITIES_ID))
    add_holding(store, Holding("crypto", "ETH", 18, Source.EVM_NATIVE, 31337, ETH_HOLDER))
    add_holding(store, Holding("crypto", "KGST", 18, Source.ERC20, 31337, TOKEN_HOLDER, kgst))
    add_holding(
        store,
        Holding(
            "crypto",
            "BTC",
            8,
            Source.MANUAL,
            address="bc1qexampleexampleexampleexample0000000",
            amount_units=50_000_000,
            evidence="custodian statement 2026-11-23 no. 42",
        ),
    )


def test_valuation_report_and_mint_cap(seeded_db: str, anvil_w3: Web3, tmp_path: Path) -> None:
    w3 = anvil_w3
    signer = Account.from_key(ANVIL_DEV_KEY)
    deployment = deploy_tokens(w3, signer)
    token: Any = kgst_contract(w3, deployment.kgst)
    send_transaction(w3, signer, token.functions.reportReserves(10**30))
    send_transaction(w3, signer, token.functions.configureMinter(signer.address, 10**30))
    send_transaction(
        w3, signer, token.functions.mint(Web3.to_checksum_address(TOKEN_HOLDER), 1000 * 10**18)
    )
    store = open_store(parse_database_url(seeded_db))
    try:
        _register(store, w3, deployment.kgst)
        supply = token_supply_minor(w3, deployment.kgst)
        assert supply == 100_000
        with recorded_binance() as base_url:
            feeds: list[PriceFeed] = [FilePriceFeed(_prices_file(tmp_path)), BinanceFeed(base_url)]
            done = appraise(store, feeds, {31337: w3}, {"KGST": supply})
        v = done.valuation
        by_asset = {
            line.reading.holding.asset + str(line.reading.holding.id): line for line in v.lines
        }
        assert [(x.usd_minor, x.som_minor) for x in v.lines] == [
            (5717, 500_000),  # 5,000 som / 87.45 = 57.1755 USD
            (3430, 300_000),
            (518_413, 45_335_242),  # 1.5 ETH x 3456.78 USDT x 0.9998 USD
            (1143, 99_999),  # 1000 KGST x 0.011435 USD x 87.45
            (4_850_000, 424_132_500),  # 0.5 BTC x 97,000 USD x 87.45
        ], by_asset
        assert v.backing_som_minor == {"KGST": 800_000}
        assert v.crypto_usd_minor == 518_413 + 1143 + 4_850_000
        assert v.ratio_bps == {"KGST": 80_000}
        used = {(p.base, p.quote): p for p in v.prices_used.values()}
        assert used[("ETH", "USDT")].value == Fraction(345678, 100)
        assert used[("USDT", "USD")].source == "file:prices.json"
        (stored,) = valuation_history(store, 10)
        assert stored["id"] == done.valuation_id and stored["ratio_bps"] == 80_000
        assert stored["backing_som_minor"] == "800000" and stored["kgst_supply_minor"] == "100000"
        assert {p["base"] for p in stored["details"]["prices"]} == {
            "USD",
            "USDT",
            "ETH",
            "KGST",
            "BTC",
        }
        assert stored["details"]["lines"][4]["read"].startswith("manual: custodian statement")
        assert stored["details"]["lines"][2]["read"].startswith("chain 31337 block ")
        count = store._query("SELECT COUNT(*) FROM reserve_valuation_prices")[0][0]
        assert count == 5

        # The backing feeds KGST's reserve cap: minting up to it works, one unit more reverts.
        reported = report_reserves(w3, signer, deployment.kgst, v.backing_som_minor["KGST"])
        assert reported == 8000 * 10**18
        assert token.functions.reserves().call() == reported
        headroom = reported - token.functions.totalSupply().call()
        send_transaction(w3, signer, token.functions.mint(signer.address, headroom))
        with pytest.raises(ContractCustomError) as refused:
            send_transaction(w3, signer, token.functions.mint(signer.address, 1))
        selector = Web3.keccak(text="ReservesExceeded(uint256,uint256)")[:4].hex()
        assert str(refused.value.data).removeprefix("0x").startswith(selector.removeprefix("0x"))
    finally:
        store.close()


def test_missing_price_stores_nothing(sqlite_url: str, tmp_path: Path) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        with pytest.raises(InvalidInput, match="no reserve holdings"):
            appraise(store, [], {}, {})
        add_holding(
            store,
            Holding("crypto", "XRP", 6, Source.MANUAL, amount_units=5, evidence="statement"),
        )
        with pytest.raises(InvalidInput, match="no price for XRP"):
            appraise(store, [FilePriceFeed(FIXTURES / "prices.json")], {}, {})
        assert valuation_history(store, 10) == []
        add_holding(store, Holding("crypto", "ETH", 18, Source.EVM_NATIVE, 56, ETH_HOLDER))
        with pytest.raises(InvalidInput, match="on chain 56: give its RPC"):
            appraise(store, [FilePriceFeed(FIXTURES / "prices.json")], {}, {})
    finally:
        store.close()


@pytest.mark.parametrize(
    ("holding", "message"),
    [
        (Holding("gold", "XAU", 2, Source.MANUAL, amount_units=1, evidence="e"), "portfolio"),
        (Holding("crypto", "eth", 18, Source.MANUAL, amount_units=1, evidence="e"), "asset code"),
        (Holding("crypto", "BTC", 8, Source.MANUAL, amount_units=1), "needs evidence"),
        (Holding("crypto", "BTC", 8, Source.MANUAL, amount_units=-1, evidence="e"), "non-negative"),
        (Holding("crypto", "ETH", 18, Source.EVM_NATIVE, 1, "0x12"), "not a 0x EVM address"),
        (Holding("crypto", "USDT", 18, Source.ERC20, 1, ETH_HOLDER), "token contract"),
        (Holding("backing:KGST", "KGS", 2, Source.LEDGER), "ledger account id"),
        (Holding("crypto", "ETH", 99, Source.EVM_NATIVE, 1, ETH_HOLDER), "decimals"),
    ],
)
def test_bad_holdings_are_refused(sqlite_url: str, holding: Holding, message: str) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        with pytest.raises(InvalidInput, match=message):
            add_holding(store, holding)
        assert store.count_rows("reserve_holdings") == 0
    finally:
        store.close()


def test_rounding_is_conservative() -> None:
    assert supply_minor(10**16 + 1, 18) == 2  # a fraction of a tyiyn of supply counts whole
    assert supply_minor(5, 0) == 500
    assert ratio_bps(999_999, 1_000_000) == 9999
    assert ratio_bps(1, 0) is None
