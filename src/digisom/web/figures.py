"""Public figures computed from the ledger: the supply by layer and wallet statistics.

Both come from one streaming pass over the accounts inside one read snapshot, so every figure on a
page describes the same journal height (which the page shows). Nothing here names or singles out a
person: the supply is summed per layer, and wallet statistics are counts and sums per balance band
in which any cell describing fewer than `PEOPLE_PER_CELL_MIN` wallets is suppressed, together with
enough other cells that the suppressed ones cannot be recovered by subtraction from the total.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from digisom.bridge.repository import BridgeRepository
from digisom.limits import LEDGER_KGS
from digisom.platform.accounts import Code
from digisom.storage.base import LedgerStore
from digisom.web.layers import LEDGER, Layer, chain_layer, layer_of

PEOPLE_PER_CELL_MIN: Final = 10
"""No published cell may describe fewer people than this (a wallet counts as one person)."""

BALANCE_BAND_FLOORS_MINOR: Final = (0, 1, 100_000, 1_000_000, 10_000_000)
"""Lower bounds of the wallet balance bands in tyiyn: 0, up to 1,000 som, up to 10,000 som,
up to 100,000 som, 100,000 som and more. Wide bands keep cells large."""


@dataclass(frozen=True, slots=True)
class LayerSupply:
    """The digital som held in one layer, in tyiyn (posted balances only)."""

    layer: Layer
    amount_minor: int
    accounts: int


@dataclass(frozen=True, slots=True)
class Band:
    """One wallet balance band; `count` and `amount_minor` are None when suppressed."""

    floor_minor: int
    ceiling_minor: int | None
    """Exclusive upper bound; None for the last band."""
    count: int | None
    amount_minor: int | None


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the public pages show from the ledger, at one journal height."""

    ledger_height: int
    ledger_hash: str
    layers: tuple[LayerSupply, ...]
    issued_minor: int
    """The central bank's issuance liability (debits minus credits of its issuance account)."""
    wallet_count: int | None
    """None when below `PEOPLE_PER_CELL_MIN` (then every band is suppressed too)."""
    bands: tuple[Band, ...]

    @property
    def supply_minor(self) -> int:
        return sum(layer.amount_minor for layer in self.layers)


def suppressed_cells(counts: Sequence[int], minimum: int = PEOPLE_PER_CELL_MIN) -> list[bool]:
    """Which cells to hide so that no published or derivable figure covers 1..minimum-1 people.

    Primary suppression hides every non-empty cell below `minimum`. The total is published, so the
    hidden cells' sum could be derived by subtraction: while that sum is positive but below
    `minimum`, the smallest still-published non-empty cell is hidden as well (complementary
    suppression). Empty cells stay published: "nobody" singles no one out. If the total itself is
    below `minimum`, everything is hidden (the caller hides the total too).
    """
    hidden = [0 < count < minimum for count in counts]
    if 0 < sum(counts) < minimum:
        return [True] * len(counts)
    while True:
        hidden_sum = sum(c for c, h in zip(counts, hidden, strict=True) if h)
        if not 0 < hidden_sum < minimum:
            return hidden
        candidates = [(c, i) for i, c in enumerate(counts) if c > 0 and not hidden[i]]
        if not candidates:
            return hidden
        hidden[min(candidates)[1]] = True


def _band_index(balance_minor: int) -> int:
    index = 0
    for i, floor in enumerate(BALANCE_BAND_FLOORS_MINOR):
        if balance_minor >= floor:
            index = i
    return index


@dataclass
class _Tally:
    amounts: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    issued_minor: int = 0
    band_counts: list[int] = field(default_factory=lambda: [0] * len(BALANCE_BAND_FLOORS_MINOR))
    band_amounts: list[int] = field(default_factory=lambda: [0] * len(BALANCE_BAND_FLOORS_MINOR))


def compute_figures(store: LedgerStore) -> Figures:
    """One pass over every account, inside one read snapshot of the store."""
    tally = _Tally()
    with store.read_snapshot():
        head = store.head()
        tokens = BridgeRepository(store).tokens()
        escrow_layers = {t.escrow_account_id: chain_layer(t.chain_id, t.symbol) for t in tokens}
        layers: dict[str, Layer] = {LEDGER.key: LEDGER}
        layers.update({layer.key: layer for layer in escrow_layers.values()})
        for record, (_, debits_posted, _, credits_posted) in store.iter_accounts():
            account = record.account
            if account.ledger == LEDGER_KGS and account.code == Code.CB_ISSUANCE:
                tally.issued_minor += debits_posted - credits_posted
            layer = layer_of(account.ledger, account.code, account.id, escrow_layers)
            if layer is None:
                continue
            layers.setdefault(layer.key, layer)
            balance_minor = credits_posted - debits_posted
            tally.amounts[layer.key] = tally.amounts.get(layer.key, 0) + balance_minor
            tally.accounts[layer.key] = tally.accounts.get(layer.key, 0) + 1
            if account.code == Code.WALLET:
                band = _band_index(balance_minor)
                tally.band_counts[band] += 1
                tally.band_amounts[band] += balance_minor
    supplies = tuple(
        LayerSupply(layer, tally.amounts.get(key, 0), tally.accounts.get(key, 0))
        for key, layer in layers.items()
    )
    return Figures(
        ledger_height=head.height,
        ledger_hash=head.hash.hex(),
        layers=supplies,
        issued_minor=tally.issued_minor,
        wallet_count=_published_total(tally.band_counts),
        bands=_bands(tally.band_counts, tally.band_amounts),
    )


def _published_total(counts: Sequence[int]) -> int | None:
    total = sum(counts)
    return None if 0 < total < PEOPLE_PER_CELL_MIN else total


def _bands(counts: Sequence[int], amounts: Sequence[int]) -> tuple[Band, ...]:
    hidden = suppressed_cells(counts)
    floors = BALANCE_BAND_FLOORS_MINOR
    return tuple(
        Band(
            floor_minor=floor,
            ceiling_minor=floors[i + 1] if i + 1 < len(floors) else None,
            count=None if hidden[i] else counts[i],
            amount_minor=None if hidden[i] else amounts[i],
        )
        for i, floor in enumerate(floors)
    )


class FiguresCache:
    """The last figures, reused while the journal head is unchanged.

    A pass over millions of accounts takes seconds; the public pages may be asked for often. The
    journal head moves on every committed batch, so a cached result is never stale by more than
    the cheap head read that checks it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._figures: Figures | None = None

    def get(self, store: LedgerStore) -> Figures:
        head = store.head()
        with self._lock:
            cached = self._figures
        if cached is not None and cached.ledger_hash == head.hash.hex():
            return cached
        figures = compute_figures(store)
        with self._lock:
            self._figures = figures
        return figures
