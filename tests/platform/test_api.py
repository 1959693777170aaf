"""The platform REST API: a bank's payment flow, a Treasury payroll, and the denials per scope."""

from digisom.platform.tiers import SOM

from .conftest import Api


def test_payment_flow_idempotency_and_denials(api: Api) -> None:
    c = api.client
    r = c.post(
        "/v1/issuance/issue",
        headers=api.h("nbkr", "issue-0001"),
        json={"participant_id": "bank-a", "amount": "100000"},
    )
    assert r.status_code == 200, r.text
    body = {"wallet_id": "w-dan", "owner_id": "alice", "tier": "tier1"}
    assert c.post("/v1/wallets", headers=api.h("bank-a"), json=body).status_code == 201
    assert c.post("/v1/wallets", headers=api.h("bank-b"), json=body).status_code == 400
    pay = {"payer_wallet_id": "w-bob", "payee_wallet_id": "w-shop", "amount": "5000"}
    r = c.post("/v1/payments", headers=api.h("bank-b", "pay-00000001"), json=pay)
    assert r.status_code == 409 and "insufficient balance" in r.json()["detail"]
    r = c.post("/v1/payments", headers=api.h("bank-a", "pay-00000001"), json=pay)
    assert r.status_code == 403  # bob is bank-b's customer
    r = c.post(
        "/v1/payments", headers=api.h("bank-b", "pay-00000001"), json={**pay, "amount": "6000"}
    )
    assert r.status_code == 400 and "different request" in r.json()["detail"]
    r = c.post("/v1/payments", headers=api.h("bank-b"), json=pay)
    assert r.status_code == 422  # no Idempotency-Key
    r = c.post(
        "/v1/payments", headers=api.h("bank-b", "pay-00000002"), json={**pay, "amount": 5000}
    )
    assert r.status_code == 422  # amounts are strings of tyiyn
    for who in ("treasury", "compliance", "auditor", "nbkr", "operator"):
        r = c.post("/v1/payments", headers=api.h(who, "pay-00000003"), json=pay)
        assert r.status_code == 403 if who != "operator" else 401, who
    assert c.get("/v1/wallets/w-bob", headers=api.h("bank-a")).status_code == 403
    assert c.get("/v1/wallets/w-bob", headers=api.h("bank-b")).status_code == 200
    assert c.get("/v1/wallets/w-bob", headers=api.h("compliance")).status_code == 200
    assert c.get("/v1/wallets/w-bob").status_code == 401
    for who in ("bank-a", "treasury", "compliance", "auditor"):
        r = c.post(
            "/v1/issuance/issue",
            headers=api.h(who, "issue-0002"),
            json={"participant_id": "bank-a", "amount": "1"},
        )
        assert r.status_code == 403, who
    r = c.get("/v1/issuance/check", headers=api.h("auditor"))
    assert r.status_code == 200 and r.json()["ok"]
    assert c.get("/v1/issuance/check", headers=api.h("bank-a")).status_code == 403


def test_payroll_upload_run_and_government_scope(api: Api) -> None:
    c = api.client
    csv = (
        "wallet_id,national_id,amount,reference\n"
        f"w-alice,,{500 * SOM},S-1\n,21234567890124,700,S-2\n"
    )
    query = {"payer_id": "treasury", "purpose": "payroll", "file_name": "nov.csv"}
    r = c.post("/v1/disbursements", headers=api.h("ministry"), params=query, content=csv)
    assert r.status_code == 403  # the ministry cannot spend the Treasury's money
    r = c.post("/v1/disbursements", headers=api.h("bank-a"), params=query, content=csv)
    assert r.status_code == 403
    r = c.post("/v1/disbursements", headers=api.h("treasury"), params=query, content=csv)
    assert r.status_code == 201, r.text
    d = r.json()["disbursement_id"]
    assert c.post(f"/v1/disbursements/{d}/run", headers=api.h("ministry")).status_code == 403
    r = c.post(f"/v1/disbursements/{d}/run", headers=api.h("treasury"))
    assert r.json()["paid"] == 2 and r.json()["done"]
    again = c.post("/v1/disbursements", headers=api.h("treasury"), params=query, content=csv)
    assert again.json()["disbursement_id"] == d
    assert c.post(f"/v1/disbursements/{d}/run", headers=api.h("treasury")).json()["paid"] == 2
    r = c.get("/v1/wallets/w-alice", headers=api.h("bank-a"))
    assert r.json()["balance"] == str(500 * SOM)
    tax = {
        "payer_wallet_id": "w-alice",
        "treasury_id": "treasury",
        "amount": "1000",
        "budget_code": "11111100",
        "reference": "N-1",
    }
    r = c.post("/v1/taxes", headers=api.h("bank-a"), json=tax)
    assert r.status_code == 200, r.text
    r = c.get("/v1/collections/treasury", headers=api.h("treasury"))
    assert [(x["budget_code"], x["amount"]) for x in r.json()] == [(11111100, "1000")]
    assert c.get("/v1/collections/treasury", headers=api.h("ministry")).status_code == 403
    assert c.get("/v1/collections/treasury", headers=api.h("bank-a")).status_code == 403
