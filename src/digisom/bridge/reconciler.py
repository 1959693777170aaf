"""The reconciler: proves that each token's totalSupply equals its escrow balance in the ledger.

On chain amounts are token units, 10^(decimals-2) per tyiyn. With nothing in flight the rule is
exact: `totalSupply == escrow posted balance * scale`. While operations are in flight the supply
may run ahead by mints not yet posted (the escrow's credits_pending) or behind by burns not yet
posted (its debits_pending), and by no more. A gap outside that band, e.g. a mint made with the
minter key outside the bridge, is re-measured a few times (an operation may settle between the
two reads) and then raised as an alert: a row in `bridge_alerts`, an error in the log, and a
non-zero exit from `digisom chain reconcile`.
"""

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

from digisom.bridge.limits import RECONCILE_ATTEMPTS_MAX, RECONCILE_RETRY_S
from digisom.bridge.model import Token
from digisom.bridge.repository import BridgeRepository
from digisom.bridge.tokens import total_supply
from digisom.errors import NotFound
from digisom.ledger.service import Ledger
from digisom.storage.base import LedgerStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """One token's supply against its escrow, in token units and in tyiyn."""

    symbol: str
    address: str
    block_number: int
    total_supply_units: int
    escrow_posted_minor: int
    mints_in_flight_minor: int
    burns_in_flight_minor: int
    gap_units: int
    """totalSupply - escrow posted balance * scale; zero when nothing is in flight."""
    ok: bool

    def to_json(self) -> dict[str, Any]:
        """JSON-ready; units as strings, since 18-decimal amounts exceed JSON's safe integers."""
        data = asdict(self)
        data["total_supply_units"] = str(self.total_supply_units)
        data["gap_units"] = str(self.gap_units)
        return data


def _measure(ledger: Ledger, w3: Any, token: Token) -> Reconciliation:
    state = ledger.get_account(token.escrow_account_id)
    if state is None:
        raise NotFound(f"escrow account of {token.symbol} is missing from the ledger")
    block = int(w3.eth.block_number)
    supply = total_supply(w3, token.address, block)
    posted = state.credits_posted - state.debits_posted
    gap = supply - posted * token.scale
    ok = -state.debits_pending * token.scale <= gap <= state.credits_pending * token.scale
    return Reconciliation(
        symbol=token.symbol,
        address=token.address,
        block_number=block,
        total_supply_units=supply,
        escrow_posted_minor=posted,
        mints_in_flight_minor=state.credits_pending,
        burns_in_flight_minor=state.debits_pending,
        gap_units=gap,
        ok=ok,
    )


def reconcile(store: LedgerStore, w3: Any, record_alerts: bool = True) -> list[Reconciliation]:
    """Measure every registered token of the chain `w3` is connected to; alert on a gap."""
    chain_id = int(w3.eth.chain_id)
    repository = BridgeRepository(store)
    ledger = Ledger(store)
    results = []
    for token in repository.tokens(chain_id):
        result = _measure(ledger, w3, token)
        for _ in range(RECONCILE_ATTEMPTS_MAX - 1):
            if result.ok:
                break
            time.sleep(RECONCILE_RETRY_S)
            result = _measure(ledger, w3, token)
        if not result.ok and record_alerts:
            detail = (
                f"totalSupply {result.total_supply_units} != escrow {result.escrow_posted_minor} "
                f"tyiyn x {token.scale} at block {result.block_number} (gap {result.gap_units})"
            )
            log.error("bridge alert: %s %s", token.symbol, detail)
            with store.write_transaction():
                repository.insert_alert("supply_mismatch", token.symbol, detail)
        results.append(result)
    return results
