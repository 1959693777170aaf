"""/v1/public: the transparency portal's figures, open to anyone without a key.

Nothing here is personal: the supply is summed per layer, statistics suppress every cell of fewer
than ten people, roots and payouts are already public on chain. Amounts are decimal strings of
tyiyn (`*_minor`), never floats. Every ledger figure carries the journal height it was read at,
so a reader can tell two responses describe the same state.
"""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from digisom.api.deps import LedgerDep
from digisom.reserve.por.proof import root_to_object
from digisom.web.figures import PEOPLE_PER_CELL_MIN, Figures, FiguresCache
from digisom.web.sources import PublicSources, ReserveValuation

router = APIRouter(prefix="/v1/public", tags=["public"])


class LayerOut(BaseModel):
    key: str
    name: str
    kind: str = Field(description="`ledger` or `chain`")
    chain_id: int | None
    symbol: str | None
    amount_minor: str
    accounts: int


class SupplyOut(BaseModel):
    ledger_height: str
    ledger_hash: str
    layers: list[LayerOut]
    total_minor: str = Field(description="Sum of the layers")
    issued_minor: str = Field(description="The central bank's issuance liability")


class ComponentOut(BaseModel):
    asset: str
    value_minor: str


class ValuationOut(BaseModel):
    as_of: str
    reserves_minor: str
    liabilities_minor: str
    ratio_percent: str | None = Field(
        description="Reserves / liabilities in percent, two decimals, rounded down; null if no "
        "liabilities"
    )
    components: list[ComponentOut]


class ReservesOut(BaseModel):
    valuations: list[ValuationOut] = Field(description="Oldest first; empty until one is published")


class AnchorOut(BaseModel):
    chain_id: int
    tx_hash: str


class RootOut(BaseModel):
    hash: str
    sum: str
    leaf_count: int
    snapshot: str
    ledger_height: str


class LatestRootOut(BaseModel):
    root: RootOut | None
    anchor: AnchorOut | None


class PayoutOut(BaseModel):
    chain_id: int
    tx_hash: str
    block_number: int
    timestamp: str
    to_address: str
    amount_minor: str
    purpose: str


class PayoutsOut(BaseModel):
    payouts: list[PayoutOut] = Field(description="Newest first; empty until the indexer has data")


class BandOut(BaseModel):
    floor_minor: str
    ceiling_minor: str | None
    count: int | None = Field(description="null when suppressed")
    amount_minor: str | None
    suppressed: bool


class StatisticsOut(BaseModel):
    ledger_height: str
    people_per_cell_min: int
    wallet_count: int | None = Field(description="null when suppressed")
    wallet_bands: list[BandOut]


def _figures(request: Request, ledger: LedgerDep) -> Figures:
    cache: FiguresCache = request.app.state.public_figures
    return cache.get(ledger.store)


def _sources(request: Request) -> PublicSources:
    """The app's sources (set by the services that own the data), else the defaults."""
    sources = getattr(request.app.state, "public_sources", None)
    return sources if isinstance(sources, PublicSources) else PublicSources()


FiguresDep = Annotated[Figures, Depends(_figures)]
SourcesDep = Annotated[PublicSources, Depends(_sources)]


@router.get("/supply")
def supply(figures: FiguresDep) -> SupplyOut:
    """Digital som by layer: on the ledger, and as tokens on each chain (their escrow balances)."""
    return SupplyOut(
        ledger_height=str(figures.ledger_height),
        ledger_hash=figures.ledger_hash,
        layers=[
            LayerOut(
                key=s.layer.key,
                name=s.layer.name,
                kind=s.layer.kind,
                chain_id=s.layer.chain_id,
                symbol=s.layer.symbol,
                amount_minor=str(s.amount_minor),
                accounts=s.accounts,
            )
            for s in figures.layers
        ],
        total_minor=str(figures.supply_minor),
        issued_minor=str(figures.issued_minor),
    )


def ratio_percent(reserves_minor: int, liabilities_minor: int) -> str | None:
    """Reserves over liabilities in percent with two decimals, rounded down, in integers only."""
    if liabilities_minor <= 0:
        return None
    basis_points = reserves_minor * 10_000 // liabilities_minor
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def _valuation(v: ReserveValuation) -> ValuationOut:
    return ValuationOut(
        as_of=v.as_of,
        reserves_minor=str(v.reserves_minor),
        liabilities_minor=str(v.liabilities_minor),
        ratio_percent=ratio_percent(v.reserves_minor, v.liabilities_minor),
        components=[
            ComponentOut(asset=c.asset, value_minor=str(c.value_minor)) for c in v.components
        ],
    )


@router.get("/reserves")
def reserves(sources: SourcesDep, ledger: LedgerDep) -> ReservesOut:
    """Published reserve valuations over time; an empty list means none is published yet."""
    found: Sequence[ReserveValuation] = sources.valuations(ledger.store)
    return ReservesOut(valuations=[_valuation(v) for v in found])


@router.get("/por/latest")
def latest_root(sources: SourcesDep, ledger: LedgerDep) -> LatestRootOut:
    """The latest proof-of-liabilities root and its anchor transaction (null until published).

    The same root as the newest of `GET /v1/por/roots`, in the spec's root form, so that the proof
    page can compare a holder's proof with it field by field.
    """
    record = sources.latest_root(ledger.store)
    if record is None:
        return LatestRootOut(root=None, anchor=None)
    anchor = None
    if record.anchor is not None:
        anchor = AnchorOut(chain_id=record.anchor.chain_id, tx_hash=record.anchor.tx_hash)
    return LatestRootOut(root=RootOut.model_validate(root_to_object(record.root)), anchor=anchor)


@router.get("/treasury/payouts")
def treasury_payouts(sources: SourcesDep, ledger: LedgerDep) -> PayoutsOut:
    """The Treasury's DSOM payouts on chain, newest first; empty until the indexer provides them."""
    return PayoutsOut(
        payouts=[
            PayoutOut(
                chain_id=p.chain_id,
                tx_hash=p.tx_hash,
                block_number=p.block_number,
                timestamp=p.timestamp,
                to_address=p.to_address,
                amount_minor=str(p.amount_minor),
                purpose=p.purpose,
            )
            for p in sources.payouts(ledger.store)
        ]
    )


@router.get("/statistics")
def statistics(figures: FiguresDep) -> StatisticsOut:
    """Wallets by balance band; any cell of fewer than ten people is suppressed, with others."""
    return StatisticsOut(
        ledger_height=str(figures.ledger_height),
        people_per_cell_min=PEOPLE_PER_CELL_MIN,
        wallet_count=figures.wallet_count,
        wallet_bands=[
            BandOut(
                floor_minor=str(b.floor_minor),
                ceiling_minor=None if b.ceiling_minor is None else str(b.ceiling_minor),
                count=b.count,
                amount_minor=None if b.amount_minor is None else str(b.amount_minor),
                suppressed=b.count is None,
            )
            for b in figures.bands
        ],
    )
