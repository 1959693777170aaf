"""The REST API of participants (central bank and admin only), subsidies and payment requests,
with the denials for every role that must be refused."""

from digisom.api.routes.platform_programmes import now_ns
from digisom.keys import Role
from digisom.keys import create_key as create_ledger_key
from digisom.platform.tiers import SOM
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

from .conftest import Api

NOW_NS = 1_800_000_000 * 10**9
EXPIRES_NS = NOW_NS + 86_400 * 10**9


def _admin_key(api: Api, db_url: str) -> str:
    store = open_store(parse_database_url(db_url), migrate=False)
    try:
        return create_ledger_key(store, Role.ADMIN)
    finally:
        store.close()


def test_participants_are_registered_by_the_central_bank_only(api: Api, db_url: str) -> None:
    c = api.client
    api.keys["admin"] = _admin_key(api, db_url)
    body = {
        "id": "dana",
        "kind": "citizen",
        "name": "Dana",
        "bank_id": "bank-a",
        "national_id": "21234567890199",
    }
    for who in ("bank-a", "treasury", "ministry", "compliance", "auditor"):
        r = c.post("/v1/participants", headers=api.h(who), json=body)
        assert r.status_code == 403, who
    assert c.post("/v1/participants", headers=api.h("operator"), json=body).status_code == 401
    assert c.post("/v1/participants", json=body).status_code == 401
    r = c.post("/v1/participants", headers=api.h("nbkr"), json=body)
    assert r.status_code == 201 and r.json()["created"], r.text
    r = c.post("/v1/participants", headers=api.h("admin"), json=body)
    assert r.status_code == 201 and not r.json()["created"]
    r = c.post("/v1/participants", headers=api.h("nbkr"), json={**body, "name": "Other"})
    assert r.status_code == 400 and "different fields" in r.json()["detail"]
    r = c.post("/v1/participants", headers=api.h("nbkr"), json={**body, "id": "x", "bank_id": None})
    assert r.status_code == 400 and "bank_id is required" in r.json()["detail"]
    r = c.post("/v1/participants", headers=api.h("nbkr"), json={**body, "kind": "alien"})
    assert r.status_code == 422


def test_subsidy_programme_over_the_api(api: Api) -> None:
    c = api.client
    c.app.dependency_overrides[now_ns] = lambda: NOW_NS  # type: ignore[attr-defined]
    programme = {
        "id": "meds",
        "payer_id": "treasury",
        "categories": ["pharmacy"],
        "expires_at_ns": EXPIRES_NS,
        "budget": str(1000 * SOM),
    }
    r = c.post("/v1/subsidies", headers=api.h("ministry", "sub-00001"), json=programme)
    assert r.status_code == 403  # the ministry cannot spend the Treasury's money
    r = c.post("/v1/subsidies", headers=api.h("bank-a", "sub-00001"), json=programme)
    assert r.status_code == 403
    assert c.post("/v1/subsidies", headers=api.h("treasury"), json=programme).status_code == 422
    r = c.post("/v1/subsidies", headers=api.h("treasury", "sub-00001"), json=programme)
    assert r.status_code == 201 and r.json()["pool_balance"] == str(1000 * SOM), r.text
    grants = {"grants": [{"wallet_id": "w-alice", "amount": str(300 * SOM)}]}
    r = c.post("/v1/subsidies/meds/grants", headers=api.h("ministry", "grant-0001"), json=grants)
    assert r.status_code == 403
    r = c.post("/v1/subsidies/meds/grants", headers=api.h("treasury", "grant-0001"), json=grants)
    assert r.status_code == 200 and r.json()["grants"] == 1, r.text
    spend = {"wallet_id": "w-alice", "merchant_wallet_id": "w-shop", "amount": str(100 * SOM)}
    r = c.post("/v1/subsidies/meds/spend", headers=api.h("bank-b", "spend-001"), json=spend)
    assert r.status_code == 403  # alice banks with bank-a
    r = c.post("/v1/subsidies/meds/spend", headers=api.h("bank-a", "spend-001"), json=spend)
    assert r.status_code == 200, r.text
    wrong = {**spend, "merchant_wallet_id": "w-bob"}
    r = c.post("/v1/subsidies/meds/spend", headers=api.h("bank-a", "spend-002"), json=wrong)
    assert r.status_code == 409 and "not a merchant where" in r.json()["detail"]
    r = c.post("/v1/subsidies/meds/clawback", headers=api.h("treasury"))
    assert r.status_code == 409 and "not expired" in r.json()["detail"]
    c.app.dependency_overrides[now_ns] = lambda: EXPIRES_NS  # type: ignore[attr-defined]
    r = c.post("/v1/subsidies/meds/spend", headers=api.h("bank-a", "spend-003"), json=spend)
    assert r.status_code == 409 and "expired" in r.json()["detail"]
    assert c.post("/v1/subsidies/meds/clawback", headers=api.h("ministry")).status_code == 403
    r = c.post("/v1/subsidies/meds/clawback", headers=api.h("treasury"))
    assert r.status_code == 200 and r.json()["amount"] == str(900 * SOM), r.text
    r = c.get("/v1/subsidies/meds", headers=api.h("auditor"))
    assert r.status_code == 200 and r.json()["pool_balance"] == "0"
    assert c.get("/v1/subsidies/meds", headers=api.h("ministry")).status_code == 403


def test_payment_request_over_the_api(api: Api) -> None:
    c = api.client
    body = {"merchant_wallet_id": "w-shop", "amount": str(250 * SOM), "reference": "INV-1"}
    assert c.post("/v1/payment-requests", headers=api.h("bank-a"), json=body).status_code == 403
    assert c.post("/v1/payment-requests", headers=api.h("treasury"), json=body).status_code == 403
    r = c.post("/v1/payment-requests", headers=api.h("bank-b"), json=body)
    assert r.status_code == 201 and not r.json()["paid"], r.text
    request_id, text = r.json()["request_id"], r.json()["payload"]
    pay = {"payload": text, "payer_wallet_id": "w-alice"}  # linked: pulled from bank-a
    assert c.post("/v1/payment-requests/pay", headers=api.h("bank-a"), json=pay).status_code == 422
    r = c.post("/v1/payment-requests/pay", headers=api.h("bank-b", "qr-000001"), json=pay)
    assert r.status_code == 403
    r = c.post("/v1/payment-requests/pay", headers=api.h("bank-a", "qr-000001"), json=pay)
    assert r.status_code == 200, r.text
    transfer_id = r.json()["transfer_id"]
    r = c.post("/v1/payment-requests/pay", headers=api.h("bank-a", "qr-000001"), json=pay)
    assert r.status_code == 200 and r.json()["transfer_id"] == transfer_id  # a retry
    r = c.post("/v1/payment-requests/pay", headers=api.h("bank-a", "qr-000002"), json=pay)
    assert r.status_code == 409 and "already paid" in r.json()["detail"]
    bad = {**pay, "payload": text[:-1] + ("0" if text[-1] != "0" else "1")}
    r = c.post("/v1/payment-requests/pay", headers=api.h("bank-a", "qr-000003"), json=bad)
    assert r.status_code == 400 and "checksum" in r.json()["detail"]
    r = c.get(f"/v1/payment-requests/{request_id}", headers=api.h("compliance"))
    assert r.json()["paid"] and r.json()["paid_transfer_id"] == transfer_id
    r = c.get("/v1/wallets/w-shop", headers=api.h("bank-b"))
    assert r.json()["balance"] == str(250 * SOM)
