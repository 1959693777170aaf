"""The portal's Treasury payout feed, read back from DSOM's events on a real anvil."""

from typing import Any

from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.bridge.payouts import recent_payouts
from digisom.chain.client import send_transaction
from digisom.chain.payouts import pack_payouts
from digisom.storage.urls import parse_database_url
from digisom.web.sources import PublicSources, chain_payouts
from tests.bridge.support import BridgeHarness, dsom_of, holders


def test_batch_payouts_appear_in_the_public_feed(harness: BridgeHarness) -> None:
    h = harness
    treasury = h.signer.address
    h.issue("treasury-funds", 1_000_00, symbol="DSOM", to=treasury)
    h.settle()
    first, second = (a.lower() for a in holders(h.w3)[:2])
    words = pack_payouts([(first, 300_00), (second, 200_00)])
    send_transaction(h.w3, h.signer, dsom_of(h.w3, h.deployment).functions.batchPayout(words))

    payouts = recent_payouts(h.store, h.w3)
    assert [(p.recipient, p.amount_minor) for p in payouts] == [(first, 300_00), (second, 200_00)]
    assert {p.payer for p in payouts} == {treasury.lower()}
    assert len({p.tx_hash for p in payouts}) == 1

    app = create_app(parse_database_url(h.db_url))
    app.state.public_sources = PublicSources(payouts=chain_payouts(h.w3))
    with TestClient(app) as client:
        feed: Any = client.get("/v1/public/treasury/payouts").json()["payouts"]
    assert [(p["to_address"], p["amount_minor"]) for p in feed] == [
        (first, str(300_00)),
        (second, str(200_00)),
    ]
