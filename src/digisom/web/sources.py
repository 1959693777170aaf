"""Where the portal's non-ledger figures come from: reserve valuations, the latest published PoL
root with its anchor, and the Treasury's on-chain payouts.

Each is a small interface (a callable given the ledger store) so that the services owning the data
plug in without the portal knowing their tables: set `app.state.public_sources` to a
`PublicSources`. The defaults publish only what exists and nothing made up: the latest root is the
reserves service's newest stored root (`digisom.reserve.por_store`), valuations are the ones it
stored (`digisom.reserve.reserve_store`), and until the bridge's indexer records DSOM payouts,
those are empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from digisom.bridge.payouts import recent_payouts
from digisom.reserve.holdings import BACKING_PREFIX
from digisom.reserve.por.proof import PublishedRoot
from digisom.reserve.por_store import list_roots
from digisom.reserve.reserve_store import MAIN_STABLECOIN, valuation_history
from digisom.storage.base import LedgerStore


@dataclass(frozen=True, slots=True)
class ReserveComponent:
    """One asset of the reserve, valued in tyiyn at the valuation's time."""

    asset: str
    """What it is, e.g. "Gold, London Good Delivery bars" or "US Treasury bills"."""
    value_minor: int


@dataclass(frozen=True, slots=True)
class ReserveValuation:
    """A published valuation of the reserve and of the liabilities it backs, at one time."""

    as_of: str
    """ISO-8601 UTC."""
    components: tuple[ReserveComponent, ...]
    liabilities_minor: int
    """Digital som (all layers) the reserve backs at `as_of`."""

    @property
    def reserves_minor(self) -> int:
        return sum(c.value_minor for c in self.components)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a root hash was anchored: a transaction on a chain."""

    chain_id: int
    tx_hash: str
    """0x-prefixed, lower-case hex."""


@dataclass(frozen=True, slots=True)
class RootRecord:
    """A published proof-of-liabilities root and its anchor, if it is anchored yet."""

    root: PublishedRoot
    anchor: Anchor | None


@dataclass(frozen=True, slots=True)
class TreasuryPayout:
    """One DSOM payout by the Treasury, as the chain indexer saw it."""

    chain_id: int
    tx_hash: str
    block_number: int
    timestamp: str
    to_address: str
    amount_minor: int
    purpose: str


VALUATIONS_SHOWN_MAX = 120
"""Valuations the portal charts: about four months of daily ones."""


def stored_valuations(store: LedgerStore) -> Sequence[ReserveValuation]:
    """The valuations the reserves service stored (`digisom reserve value`), oldest first.

    The components are the stablecoin's backing portfolio, by asset, and the liabilities are the
    stablecoin's supply at that valuation, so the portal's ratio is backing over supply. The
    national crypto reserve is valued in the same records (see `GET /v1/por/reserves`) but backs
    no token, so it is not counted here.
    """
    out: list[ReserveValuation] = []
    for row in reversed(valuation_history(store, VALUATIONS_SHOWN_MAX)):
        by_asset: dict[str, int] = {}
        for line in row["details"]["lines"]:
            if line["portfolio"] == f"{BACKING_PREFIX}{MAIN_STABLECOIN}":
                by_asset[line["asset"]] = by_asset.get(line["asset"], 0) + int(line["som_minor"])
        taken = datetime.fromtimestamp(row["taken_at_ns"] // 10**9, tz=UTC)
        out.append(
            ReserveValuation(
                as_of=taken.strftime("%Y-%m-%dT%H:%M:%SZ"),
                components=tuple(ReserveComponent(a, v) for a, v in sorted(by_asset.items())),
                liabilities_minor=int(row["kgst_supply_minor"] or 0),
            )
        )
    return out


def no_payouts(_: LedgerStore) -> Sequence[TreasuryPayout]:
    """The default when the server follows no chain: none."""
    return ()


def chain_payouts(w3: Any) -> Callable[[LedgerStore], Sequence[TreasuryPayout]]:
    """The DSOM batch payouts on the chain `w3` follows, read back from its events."""

    def read(store: LedgerStore) -> Sequence[TreasuryPayout]:
        return [
            TreasuryPayout(
                chain_id=p.chain_id,
                tx_hash=p.tx_hash,
                block_number=p.block_number,
                timestamp=datetime.fromtimestamp(p.timestamp_s, tz=UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                to_address=p.recipient,
                amount_minor=p.amount_minor,
                purpose=f"DSOM batch payout from {p.payer}",
            )
            for p in recent_payouts(store, w3)
        ]

    return read


def stored_latest_root(store: LedgerStore) -> RootRecord | None:
    """The newest root the reserves service stored (signed, maybe anchored), or None."""
    found = list_roots(store, 1)
    if not found:
        return None
    stored = found[0]
    anchor = None
    if stored.anchor_tx is not None and stored.anchor_chain_id is not None:
        anchor = Anchor(stored.anchor_chain_id, "0x" + stored.anchor_tx.hex())
    return RootRecord(stored.root, anchor)


@dataclass(frozen=True)
class PublicSources:
    """The portal's data sources other than the ledger's accounts; each returns published facts."""

    valuations: Callable[[LedgerStore], Sequence[ReserveValuation]] = stored_valuations
    """Oldest first."""
    latest_root: Callable[[LedgerStore], RootRecord | None] = stored_latest_root
    payouts: Callable[[LedgerStore], Sequence[TreasuryPayout]] = no_payouts
    """Newest first."""
