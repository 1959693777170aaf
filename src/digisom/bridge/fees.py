"""Fee choice and fee bumping for EIP-1559 transactions, in integer wei."""

from dataclasses import dataclass
from typing import Any

from digisom.bridge.limits import (
    FEE_BUMP_PERCENT,
    MAX_FEE_PER_GAS_CAP_WEI,
    PRIORITY_FEE_WEI_DEFAULT,
)


@dataclass(frozen=True, slots=True)
class Fees:
    max_fee_per_gas: int
    max_priority_fee_per_gas: int


def current_fees(w3: Any) -> Fees:
    """Twice the latest base fee plus the tip: stays valid through several full blocks."""
    base_fee = int(w3.eth.get_block("latest").get("baseFeePerGas", 0) or 0)
    try:
        priority = int(w3.eth.max_priority_fee)
    except (ValueError, KeyError):
        priority = PRIORITY_FEE_WEI_DEFAULT
    priority = max(priority, 1)
    return _capped(Fees(2 * base_fee + priority, priority))


def bumped(previous: Fees, now: Fees) -> Fees:
    """Fees that replace `previous`: both raised by the bump, and never below today's."""
    factor = 100 + FEE_BUMP_PERCENT
    priority = max(
        previous.max_priority_fee_per_gas * factor // 100 + 1, now.max_priority_fee_per_gas
    )
    max_fee = max(previous.max_fee_per_gas * factor // 100 + 1, now.max_fee_per_gas, priority)
    return _capped(Fees(max_fee, priority))


def _capped(fees: Fees) -> Fees:
    priority = min(fees.max_priority_fee_per_gas, MAX_FEE_PER_GAS_CAP_WEI)
    return Fees(min(fees.max_fee_per_gas, MAX_FEE_PER_GAS_CAP_WEI), priority)
