"""Which ledger accounts count towards which layer of the digital-som supply.

The portal shows the supply "by layer": som held directly on the sovereign ledger, and som held as
tokens on each chain, which the ledger backs one to one with an escrow account per token per chain
(DESIGN.md, rule 1). This module is the one place that maps ledger account codes to layers, so that
when a service adds a code the fix is here and nowhere else. It is pure: no I/O.
"""

from dataclasses import dataclass
from typing import Final

from digisom.bridge.limits import ESCROW_ACCOUNT_CODE
from digisom.limits import LEDGER_KGS
from digisom.platform.accounts import CIRCULATION_CODE_MAX, CIRCULATION_CODE_MIN, Code

LEDGER_LAYER: Final = "ledger"
"""Key of the layer of som held on the ledger itself (wallets, banks, government, programmes)."""

UNREGISTERED_ESCROW_LAYER: Final = "escrow-unregistered"
"""Key of escrow accounts that no registered token names: som backing tokens of an unknown chain.
Shown rather than dropped, so that the layers still add up to what was issued."""

ESCROW_CODES: Final = frozenset({int(Code.TOKEN_ESCROW), ESCROW_ACCOUNT_CODE})
"""Account codes of escrow accounts: the chart of accounts' token escrow (130), which the bridge
uses for every token it registers."""

CHAIN_NAMES: Final[dict[int, str]] = {
    56: "BNB Smart Chain",
    97: "BNB Smart Chain testnet",
    31337: "local anvil chain",
}
"""Display names of chain ids; an unknown id is shown as "chain <id>"."""


@dataclass(frozen=True, slots=True)
class Layer:
    """A layer of the supply, as the portal lists it."""

    key: str
    """Stable machine key: `ledger`, `chain-<id>-<symbol>` or `escrow-unregistered`."""
    name: str
    """What a reader sees."""
    kind: str
    """`ledger` or `chain`."""
    chain_id: int | None = None
    symbol: str | None = None


LEDGER = Layer(LEDGER_LAYER, "Digital som on the sovereign ledger", "ledger")
UNREGISTERED_ESCROW = Layer(
    UNREGISTERED_ESCROW_LAYER, "Tokens on chains not registered with the bridge", "chain"
)


def chain_layer(chain_id: int, symbol: str) -> Layer:
    """The layer of one token on one chain."""
    chain = CHAIN_NAMES.get(chain_id, f"chain {chain_id}")
    return Layer(
        f"chain-{chain_id}-{symbol.lower()}", f"{symbol} on {chain}", "chain", chain_id, symbol
    )


def layer_of(
    ledger: int, code: int, account_id: int, escrow_layers: dict[int, Layer]
) -> Layer | None:
    """The layer an account's balance belongs to, or None if it is not digital som held by anyone
    (the central bank's own accounts, reserve money, limit counters on other ledgers).

    `escrow_layers` maps a registered token's escrow account id to its chain layer.
    """
    if ledger != LEDGER_KGS:
        return None
    if account_id in escrow_layers:
        return escrow_layers[account_id]
    if code in ESCROW_CODES:
        return UNREGISTERED_ESCROW
    if CIRCULATION_CODE_MIN <= code <= CIRCULATION_CODE_MAX:
        return LEDGER
    return None
