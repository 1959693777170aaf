"""The compliance REST API: denials for every endpoint, onboarding with screening, audited
reads, the citizen's access log, public statistics with small cells suppressed, cases, freezes."""

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.compliance import listdb
from digisom.compliance.keys import create_officer_key
from digisom.compliance.limits import KYC_MASTER_KEY_ENV
from digisom.keys import Role, create_key
from digisom.ledger.model import Account, AccountFlags, Transfer
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.compliance.conftest import NATIONAL_HEADER, NATIONAL_ROWS

SUBJECT = "sub_" + "0" * 32
DENIALS = [
    ("post", "/v1/compliance/screen", {"names": ["x"]}),
    ("post", "/v1/compliance/subjects", {}),
    ("post", f"/v1/compliance/subjects/{SUBJECT}/links", {}),
    ("post", f"/v1/compliance/subjects/{SUBJECT}/read", {}),
    ("post", f"/v1/compliance/subjects/{SUBJECT}/end-relationship", {}),
    ("post", f"/v1/compliance/subjects/{SUBJECT}/erase", {}),
    ("post", f"/v1/compliance/subjects/{SUBJECT}/transfers", {}),
    ("get", "/v1/compliance/cases", None),
    ("post", "/v1/compliance/cases/1/decision", {}),
    ("post", "/v1/compliance/cases/1/report", {}),
    ("post", "/v1/compliance/freezes", {}),
    ("post", "/v1/compliance/freezes/1/unfreeze", {}),
    ("post", "/v1/compliance/freezes/1/seize", {}),
    ("post", "/v1/compliance/keys/officers", {}),
    ("post", "/v1/compliance/keys/citizens", {}),
    ("get", "/v1/me/access-log", None),
]
PERSON = {
    "name_cyrillic": "Айбек Усенов",
    "name_latin": "Aibek Usenov",
    "national_id": "21403198500123",
    "date_of_birth": "1985-03-14",
    "address": "Bishkek, Chui avenue 100",
    "phone": "+996555123456",
    "country": "kg",
    "legal_basis": "AML/CFT law art. 5",
}
LISTED = PERSON | {
    "name_cyrillic": "Айгүл Төлөгөнова",
    "name_latin": "",
    "date_of_birth": "1975-01-01",
}
READ = {"purpose": "aml_investigation", "legal_basis": "AML/CFT law art. 12, case 17"}


@dataclass
class Api:
    client: TestClient
    officer: str
    auditor: str
    admin: str
    url: str

    def h(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv(KYC_MASTER_KEY_ENV, base64.b64encode(os.urandom(32)).decode())
    url = parse_database_url(db_url)
    store = open_store(url)
    national = tmp_path / "national.csv"
    national.write_text(NATIONAL_HEADER + NATIONAL_ROWS, encoding="utf-8")
    listdb.load_files(store, [national])
    officer = create_officer_key(store, "fiu", "test officer")
    auditor = create_key(store, Role.AUDITOR, "test auditor")
    admin = create_key(store, Role.ADMIN, "test admin")
    store.close()
    with TestClient(create_app(url)) as client:
        yield Api(client, officer, auditor, admin, db_url)


def _call(api: Api, method: str, path: str, body: object, key: str | None) -> int:
    headers = {} if key is None else api.h(key)
    if method == "get":
        return int(api.client.get(path, headers=headers).status_code)
    return int(api.client.post(path, json=body, headers=headers).status_code)


def test_every_endpoint_denies_without_a_key_and_with_a_wrong_role(api: Api) -> None:
    store = open_store(parse_database_url(api.url))
    unbound = create_key(store, Role.COMPLIANCE_OFFICER, "no agency")
    citizen = create_key(store, Role.CITIZEN, "no subject")
    store.close()
    for method, path, body in DENIALS:
        assert _call(api, method, path, body, None) == 401, path
        assert _call(api, method, path, body, "dsk_wrong") == 401, path
        wrong = api.officer if path.startswith("/v1/me") else api.auditor
        assert _call(api, method, path, body, wrong) == 403, path
        if not path.startswith("/v1/me") and not path.endswith("officers"):
            assert _call(api, method, path, body, unbound) == 403, path
            assert _call(api, method, path, body, citizen) == 403, path
    assert _call(api, "get", "/v1/me/access-log", None, citizen) == 404
    read = f"/v1/compliance/subjects/{SUBJECT}/read"
    assert _call(api, "post", read, READ, api.admin) == 403  # admin never reads personal data


def test_onboarding_screening_reads_and_the_access_log(api: Api) -> None:
    c, officer = api.client, api.h(api.officer)
    clean = c.post("/v1/compliance/subjects", json=PERSON, headers=officer)
    assert clean.status_code == 201 and clean.json()["screening"] == "pass"
    listed = c.post("/v1/compliance/subjects", json=LISTED, headers=officer).json()
    assert listed["screening"] in ("review", "block") and listed["case_id"] is not None
    assert listed["hits"][0]["entity_id"] == "kg-KG-002"
    subject = clean.json()["subject_id"]
    bad = c.post("/v1/compliance/subjects", json=PERSON | {"phone": "555"}, headers=officer)
    assert bad.status_code == 400 and "phone" in bad.json()["detail"]

    read = c.post(f"/v1/compliance/subjects/{subject}/read", json=READ, headers=officer)
    assert read.status_code == 200 and read.json()["name_latin"] == "Aibek Usenov"
    nosy = c.post(
        f"/v1/compliance/subjects/{subject}/read",
        json={"purpose": "curiosity", "legal_basis": "none"},
        headers=officer,
    )
    assert nosy.status_code == 400 and "unknown purpose" in nosy.json()["detail"]

    citizen = c.post("/v1/compliance/keys/citizens", json={"subject_id": subject}, headers=officer)
    log = c.get("/v1/me/access-log", headers=api.h(citizen.json()["key"])).json()
    assert [(e["agency"], e["purpose"], e["legal_basis"]) for e in log] == [
        ("fiu", "aml_investigation", READ["legal_basis"])
    ]
    stats = c.get("/v1/public/access-stats").json()
    assert stats["agencies"] == [{"agency": "fiu", "accesses": None, "suppressed": True}]
    for _ in range(9):
        c.post(f"/v1/compliance/subjects/{subject}/read", json=READ, headers=officer)
    stats = c.get("/v1/public/access-stats").json()
    assert stats["agencies"] == [{"agency": "fiu", "accesses": 10, "suppressed": False}]
    assert c.get("/v1/public/audit-head").json()["height"] > 10


def test_screen_explains_hits(api: Api) -> None:
    body = {"names": ["Nurbek Omurbekov"], "dob": "1980-05-17", "country": "kg"}
    found = api.client.post("/v1/compliance/screen", json=body, headers=api.h(api.officer))
    assert found.status_code == 200
    hit = found.json()["hits"][0]
    assert hit["entity_id"] == "kg-KG-001" and hit["score"] >= 0.8 and hit["tokens"]
    too_many = body | {"names": ["x"] * 17}
    refused = api.client.post("/v1/compliance/screen", json=too_many, headers=api.h(api.officer))
    assert refused.status_code == 422


def test_case_decision_freeze_and_transactions(api: Api) -> None:
    c, officer = api.client, api.h(api.officer)
    store = open_store(parse_database_url(api.url))
    ledger = Ledger(store)
    flags = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    ledger.create_accounts([Account(11, 417, 10, flags), Account(12, 417, 10)])
    listed = c.post("/v1/compliance/subjects", json=LISTED, headers=officer).json()
    subject, case_id = listed["subject_id"], listed["case_id"]
    link = {"kind": "account", "value": "11", "legal_basis": "onboarding"}
    assert (
        c.post(f"/v1/compliance/subjects/{subject}/links", json=link, headers=officer).status_code
        == 204
    )
    body = {"subject_id": subject, "legal_basis": "FIU order 2026/5", "case_id": case_id}
    frozen = c.post("/v1/compliance/freezes", json=body, headers=officer)
    assert frozen.status_code == 201 and frozen.json()["accounts"] == ["11"]
    state = ledger.get_account(11)
    assert state is not None and state.frozen
    cases = c.get("/v1/compliance/cases?status=frozen", headers=officer).json()
    assert [x["id"] for x in cases] == [case_id]
    again = c.post(
        f"/v1/compliance/cases/{case_id}/decision",
        json={"decision": "clear", "legal_basis": "x y z"},
        headers=officer,
    )
    assert again.status_code == 400 and "already decided" in again.json()["detail"]
    freeze_id = frozen.json()["id"]
    lifted = c.post(
        f"/v1/compliance/freezes/{freeze_id}/unfreeze",
        json={"legal_basis": "court ruling 2026/9"},
        headers=officer,
    )
    assert lifted.status_code == 200 and lifted.json()["status"] == "released"
    state = ledger.get_account(11)
    assert state is not None and not state.frozen
    moves = c.post(f"/v1/compliance/subjects/{subject}/transfers", json=READ, headers=officer)
    assert moves.status_code == 200 and moves.json() == []
    store.close()


def test_suspicious_transaction_report_as_json_and_xml(api: Api) -> None:
    c, officer = api.client, api.h(api.officer)
    store = open_store(parse_database_url(api.url))
    ledger = Ledger(store)
    ledger.create_accounts([Account(1, 417, 1), Account(11, 417, 10)])
    ledger.create_transfers([Transfer(70, 1, 11, 950_000_00, 417, 1)])
    listed = c.post("/v1/compliance/subjects", json=LISTED, headers=officer).json()
    link = {"kind": "account", "value": "11", "legal_basis": "onboarding"}
    c.post(f"/v1/compliance/subjects/{listed['subject_id']}/links", json=link, headers=officer)
    path = f"/v1/compliance/cases/{listed['case_id']}/report"
    as_json = c.post(path, json=READ | {"purpose": "fiu_request"}, headers=officer)
    assert as_json.status_code == 200 and "STR-" in as_json.headers["content-disposition"]
    body = as_json.json()
    assert body["person"]["name_cyrillic"] == "Айгүл Төлөгөнова"
    assert [t["amount_minor"] for t in body["transactions"]] == ["95000000"]
    as_xml = c.post(path, json=READ | {"purpose": "fiu_request", "format": "xml"}, headers=officer)
    assert as_xml.headers["content-type"].startswith("application/xml")
    assert "<amount_minor>95000000</amount_minor>" in as_xml.text
    actions = [r[0] for r in store._query("SELECT action FROM audit_log ORDER BY height")]
    assert actions[-4:] == ["kyc.read", "kyc.transactions", "kyc.read", "kyc.transactions"]
    store.close()


def test_erasure_waits_for_the_retention_period(api: Api) -> None:
    c, officer = api.client, api.h(api.officer)
    subject = c.post("/v1/compliance/subjects", json=PERSON, headers=officer).json()["subject_id"]
    basis = {"legal_basis": "data subject's erasure request 2026/3"}
    early = c.post(f"/v1/compliance/subjects/{subject}/erase", json=basis, headers=officer)
    assert early.status_code == 400 and "has not ended" in early.json()["detail"]
    ended = c.post(
        f"/v1/compliance/subjects/{subject}/end-relationship", json=basis, headers=officer
    )
    assert ended.status_code == 204
    still = c.post(f"/v1/compliance/subjects/{subject}/erase", json=basis, headers=officer)
    assert still.status_code == 400 and "retained until" in still.json()["detail"]
    read = c.post(f"/v1/compliance/subjects/{subject}/read", json=READ, headers=officer)
    assert read.status_code == 200


def test_admin_creates_an_agency_key_and_the_act_is_audited(api: Api) -> None:
    made = api.client.post(
        "/v1/compliance/keys/officers", json={"agency": "central-bank"}, headers=api.h(api.admin)
    )
    assert made.status_code == 201
    bad = api.client.post(
        "/v1/compliance/keys/officers", json={"agency": "Central Bank!"}, headers=api.h(api.admin)
    )
    assert bad.status_code == 400 and "slug" in bad.json()["detail"]
    body = {"names": ["Nurbek Omurbekov"]}
    screened = api.client.post(
        "/v1/compliance/screen", json=body, headers=api.h(made.json()["key"])
    )
    assert screened.status_code == 200
    store = open_store(parse_database_url(api.url))
    rows = store._query("SELECT action, agency, details FROM audit_log ORDER BY height")
    store.close()
    assert [(r[0], r[1]) for r in rows] == [
        ("officer_key.create", "admin"),
        ("screen", "central-bank"),
    ]
    assert "Nurbek" not in str(rows)
