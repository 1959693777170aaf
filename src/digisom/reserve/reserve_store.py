"""SQL over the reserve registry, valuations (with the prices they used) and attestations.

Plain records in portable SQL on the ledger store's connection. Amounts are decimal strings
(token balances can pass 2**64); a valuation, its prices and its details are written in one
transaction, so a stored valuation always says exactly which prices, sources and times it used.
"""

from __future__ import annotations

import json
import time
from typing import Any

from digisom.errors import invariant
from digisom.reserve.holdings import Holding, Source, check_holding
from digisom.reserve.limits import HOLDINGS_MAX
from digisom.reserve.valuation import Valuation
from digisom.storage.base import LedgerStore
from digisom.storage.codec import b16

MAIN_STABLECOIN = "KGST"
"""The stablecoin whose supply and ratio get their own columns (others are in `details`)."""

HOLDING_COLUMNS = (
    "id, portfolio, asset, decimals, source, chain_id, address, token_contract, "
    "ledger_account_id, amount_units, evidence"
)


def add_holding(store: LedgerStore, holding: Holding) -> int:
    """Register a holding (checked first); returns its id."""
    h = check_holding(holding)
    p = store.p
    now = time.time_ns()
    with store.write_transaction():
        store._execute(
            f"INSERT INTO reserve_holdings ({HOLDING_COLUMNS.removeprefix('id, ')}, created_at_ns) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (
                h.portfolio,
                h.asset,
                h.decimals,
                h.source.value,
                h.chain_id,
                h.address,
                h.token_contract,
                None if h.ledger_account_id is None else b16(h.ledger_account_id),
                None if h.amount_units is None else str(h.amount_units),
                h.evidence,
                now,
            ),
        )
        rows = store._query(
            f"SELECT MAX(id) FROM reserve_holdings WHERE created_at_ns = {p}", (now,)
        )
    return int(rows[0][0])


def _holding(row: Any) -> Holding:
    return Holding(
        id=int(row[0]),
        portfolio=str(row[1]),
        asset=str(row[2]),
        decimals=int(row[3]),
        source=Source(row[4]),
        chain_id=None if row[5] is None else int(row[5]),
        address=row[6],
        token_contract=row[7],
        ledger_account_id=None if row[8] is None else int.from_bytes(bytes(row[8]), "big"),
        amount_units=None if row[9] is None else int(row[9]),
        evidence=str(row[10]),
    )


def list_holdings(store: LedgerStore) -> list[Holding]:
    rows = store._query(
        f"SELECT {HOLDING_COLUMNS} FROM reserve_holdings ORDER BY id LIMIT {HOLDINGS_MAX + 1}"
    )
    invariant(len(rows) <= HOLDINGS_MAX, "the registry stays within HOLDINGS_MAX")
    return [_holding(row) for row in rows]


def valuation_details(valuation: Valuation) -> dict[str, Any]:
    """The valuation as JSON-ready data: every line, how it was read, and every total."""
    return {
        "lines": [
            {
                "holding_id": line.reading.holding.id,
                "portfolio": line.reading.holding.portfolio,
                "asset": line.reading.holding.asset,
                "address": line.reading.holding.address,
                "amount_units": str(line.reading.amount_units),
                "read": line.reading.how,
                "usd_minor": str(line.usd_minor),
                "som_minor": str(line.som_minor),
            }
            for line in valuation.lines
        ],
        "backing_som_minor": {k: str(v) for k, v in valuation.backing_som_minor.items()},
        "crypto_usd_minor": str(valuation.crypto_usd_minor),
        "crypto_som_minor": str(valuation.crypto_som_minor),
        "supply_minor": {k: str(v) for k, v in valuation.supply_minor.items()},
        "ratio_bps": dict(valuation.ratio_bps),
        "prices": [
            {
                "base": price.base,
                "quote": price.quote,
                "numerator": str(price.value.numerator),
                "denominator": str(price.value.denominator),
                "source": price.source,
                "observed_at": price.observed_at,
            }
            for price in valuation.prices_used.values()
        ],
    }


def store_valuation(store: LedgerStore, valuation: Valuation, token: str = MAIN_STABLECOIN) -> int:
    """Store a valuation with its prices; `token`'s supply and ratio also get their own columns."""
    p = store.p
    taken_at = time.time_ns()
    details = valuation_details(valuation)
    supply = valuation.supply_minor.get(token)
    with store.write_transaction():
        store._execute(
            "INSERT INTO reserve_valuations (taken_at_ns, backing_som_minor, crypto_usd_minor, "
            "crypto_som_minor, kgst_supply_minor, ratio_bps, details) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
            (
                taken_at,
                str(valuation.backing_som_minor.get(token, 0)),
                str(valuation.crypto_usd_minor),
                str(valuation.crypto_som_minor),
                None if supply is None else str(supply),
                valuation.ratio_bps.get(token),
                json.dumps(details, sort_keys=True),
            ),
        )
        rows = store._query(
            f"SELECT MAX(id) FROM reserve_valuations WHERE taken_at_ns = {p}", (taken_at,)
        )
        valuation_id = int(rows[0][0])
        store._execute_many(
            "INSERT INTO reserve_valuation_prices (valuation_id, base, quote, numerator, "
            f"denominator, source, observed_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
            [(valuation_id, *row.values()) for row in details["prices"]],
        )
    return valuation_id


def valuation_history(store: LedgerStore, limit: int) -> list[dict[str, Any]]:
    """Stored valuations, newest first: when, the totals, the ratio and the full details."""
    rows = store._query(
        "SELECT id, taken_at_ns, backing_som_minor, crypto_usd_minor, crypto_som_minor, "
        f"kgst_supply_minor, ratio_bps, details FROM reserve_valuations "
        f"ORDER BY id DESC LIMIT {store.p}",
        (limit,),
    )
    return [
        {
            "id": int(r[0]),
            "taken_at_ns": int(r[1]),
            "backing_som_minor": r[2],
            "crypto_usd_minor": r[3],
            "crypto_som_minor": r[4],
            "kgst_supply_minor": r[5],
            "ratio_bps": r[6],
            "details": json.loads(r[7]),
        }
        for r in rows
    ]


def record_attestation(
    store: LedgerStore, round_id: str, address: str, scheme: str, message: str, signature: str
) -> None:
    """Keep a verified proof of control (one per address per round; a repeat is refused)."""
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO reserve_attestations (round_id, address, scheme, message, signature, "
            f"verified_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
            (round_id, address, scheme, message, signature, time.time_ns()),
        )


def attestations(store: LedgerStore, round_id: str) -> list[tuple[str, str, str]]:
    """(address, scheme, signature) of every verified attestation of a round."""
    rows = store._query(
        "SELECT address, scheme, signature FROM reserve_attestations "
        f"WHERE round_id = {store.p} ORDER BY address",
        (round_id,),
    )
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]
