"""GET /v1/por/roots is public; a holder key reads its own proof and nothing else."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.keys import Role, create_key
from digisom.reserve.issuer import load_issuer_key
from digisom.reserve.liabilities import account_uid
from digisom.reserve.por.proof import root_to_json
from digisom.reserve.por.verify import verify_proof_json
from digisom.reserve.por_store import create_holder_key, get_root
from digisom.reserve.snapshots import publish_snapshot
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.reserve.ledger_support import ALICE_ID, BOB_ID


@dataclass
class PorApi:
    client: TestClient
    alice_key: str
    staff_key: str
    root_json: bytes


@pytest.fixture
def por_api(seeded_db: str, issuer_key_file: Path) -> Iterator[PorApi]:
    url = parse_database_url(seeded_db)
    store = open_store(url)
    try:
        stored = publish_snapshot(store, load_issuer_key(issuer_key_file))
        alice_key = create_holder_key(store, account_uid(ALICE_ID))
        staff_key = create_key(store, Role.ADMIN, "staff")
        root_json = root_to_json(get_root(store, stored.id).root)
    finally:
        store.close()
    with TestClient(create_app(url)) as client:
        yield PorApi(client, alice_key, staff_key, root_json)


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_roots_are_public(por_api: PorApi) -> None:
    answer = por_api.client.get("/v1/por/roots")
    assert answer.status_code == 200
    (root,) = answer.json()["roots"]
    assert root["root"]["hash"] == json.loads(por_api.root_json)["hash"]
    assert root["signature"]["algorithm"] == "ed25519"
    assert len(root["signature"]["signature"]) == 128
    assert root["anchor"] is None
    assert answer.json()["next_before"] is None
    assert por_api.client.get("/v1/por/roots?limit=0").status_code == 422
    assert por_api.client.get("/v1/por/roots?limit=101").status_code == 422


def test_holder_gets_own_proof(por_api: PorApi) -> None:
    alice = account_uid(ALICE_ID)
    for path in ("/v1/por/proofs/me", f"/v1/por/proofs/{alice}"):
        answer = por_api.client.get(path, headers=_auth(por_api.alice_key))
        assert answer.status_code == 200, answer.text
        verdict = verify_proof_json(
            answer.content, published_root_json=por_api.root_json, expected_uid=alice
        )
        assert verdict.accepted, verdict.reason


def test_denials(por_api: PorApi) -> None:
    client = por_api.client
    assert client.get("/v1/por/proofs/me").status_code == 401
    assert client.get("/v1/por/proofs/me", headers=_auth("dph_nonsense")).status_code == 401
    # Staff keys are not holder keys: a proof carries the holder's salt.
    assert client.get("/v1/por/proofs/me", headers=_auth(por_api.staff_key)).status_code == 401
    bob = account_uid(BOB_ID)
    answer = client.get(f"/v1/por/proofs/{bob}", headers=_auth(por_api.alice_key))
    assert answer.status_code == 403
    answer = client.get("/v1/por/proofs/me?root_id=99", headers=_auth(por_api.alice_key))
    assert answer.status_code == 404


def test_holder_without_leaf_gets_404(seeded_db: str, issuer_key_file: Path) -> None:
    url = parse_database_url(seeded_db)
    store = open_store(url)
    try:
        stranger = create_holder_key(store, account_uid(424242))
        publish_snapshot(store, load_issuer_key(issuer_key_file))
    finally:
        store.close()
    with TestClient(create_app(url)) as client:
        answer = client.get("/v1/por/proofs/me", headers=_auth(stranger))
    assert answer.status_code == 404
    assert "is not a holder" in answer.json()["detail"]


def test_reserve_valuations_are_public(seeded_db: str) -> None:
    from digisom.reserve.appraise import appraise
    from digisom.reserve.holdings import Holding, Source
    from digisom.reserve.prices import FilePriceFeed
    from digisom.reserve.reserve_store import add_holding
    from tests.reserve.feeds_support import FIXTURES
    from tests.reserve.ledger_support import BANK_RESERVE_ID

    url = parse_database_url(seeded_db)
    store = open_store(url)
    try:
        add_holding(
            store,
            Holding("backing:KGST", "KGS", 2, Source.LEDGER, ledger_account_id=BANK_RESERVE_ID),
        )
        appraise(store, [FilePriceFeed(FIXTURES / "prices.json")], {}, {"KGST": 400_000})
    finally:
        store.close()
    with TestClient(create_app(url)) as client:
        answer = client.get("/v1/por/reserves")
        assert client.get("/v1/por/reserves?limit=101").status_code == 422
    assert answer.status_code == 200
    (valuation,) = answer.json()["valuations"]
    assert valuation["backing_som_minor"] == "500000" and valuation["ratio_bps"] == 12_500
    assert valuation["details"]["prices"][0]["source"] == "file:prices.json"
