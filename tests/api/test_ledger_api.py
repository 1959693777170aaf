"""The ledger API end to end: authentication and scopes, batches, lookups, bad input."""

import json

import pytest

from digisom.audit.log import iter_entries
from digisom.audit.log import verify as verify_audit
from digisom.keys import Role
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.api.conftest import Api

ACCOUNTS = [
    {"id": "1", "ledger": 417, "code": 1},
    {"id": "2", "ledger": 417, "code": 10, "flags": 2},
    {"id": "3", "ledger": 417, "code": 10, "flags": 2},
]


def setup_accounts(api: Api) -> None:
    response = api.client.post(
        "/v1/ledger/accounts", json=ACCOUNTS, headers=api.headers(Role.OPERATOR)
    )
    assert response.status_code == 200, response.text
    assert [r["result"] for r in response.json()] == ["ok", "ok", "ok"]


def row_counts(api: Api) -> tuple[int, int, int]:
    store = open_store(parse_database_url(api.url), migrate=False)
    try:
        return (store.count_rows("accounts"), store.count_rows("transfers"), store.head().height)
    finally:
        store.close()


ENDPOINTS = [
    ("post", "/v1/ledger/accounts", Role.AUDITOR),
    ("post", "/v1/ledger/transfers", Role.AUDITOR),
    ("get", "/v1/ledger/accounts/1", None),
    ("get", "/v1/ledger/transfers/1", None),
    ("get", "/v1/ledger/accounts/1/transfers", None),
    ("get", "/v1/ledger/accounts/1/balances", None),
    ("post", "/v1/ledger/accounts/1/freeze", Role.AUDITOR),
    ("post", "/v1/ledger/accounts/1/unfreeze", Role.AUDITOR),
    ("get", "/v1/ledger/head", None),
    ("post", "/v1/admin/keys", Role.OPERATOR),
]


@pytest.mark.parametrize(("method", "path", "weak_role"), ENDPOINTS)
def test_every_endpoint_needs_a_key_with_the_right_scope(
    api: Api, method: str, path: str, weak_role: Role | None
) -> None:
    call = getattr(api.client, method)
    assert call(path).status_code == 401
    assert call(path, headers={"Authorization": "Bearer dsk_not-a-real-key"}).status_code == 401
    assert call(path, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    if weak_role is not None:
        response = call(path, headers=api.headers(weak_role), json=[])
        assert response.status_code == 403, response.text
        assert "lacks" in response.json()["detail"]


def test_batches_return_one_result_per_event_in_order(api: Api) -> None:
    setup_accounts(api)
    transfers = [
        {
            "id": "10",
            "debit_account_id": "1",
            "credit_account_id": "2",
            "amount": "1000",
            "ledger": 417,
            "code": 1,
        },
        {
            "id": "11",
            "debit_account_id": "2",
            "credit_account_id": "3",
            "amount": "5000",
            "ledger": 417,
            "code": 1,
        },
        {
            "id": "10",
            "debit_account_id": "1",
            "credit_account_id": "2",
            "amount": "1000",
            "ledger": 417,
            "code": 1,
        },
    ]
    response = api.client.post(
        "/v1/ledger/transfers", json=transfers, headers=api.headers(Role.OPERATOR)
    )
    assert response.status_code == 200
    assert response.json() == [
        {"index": 0, "result": "ok"},
        {"index": 1, "result": "exceeds_credits"},
        {"index": 2, "result": "exists"},
    ]
    account = api.client.get("/v1/ledger/accounts/2", headers=api.headers(Role.AUDITOR)).json()
    assert account["credits_posted"] == "1000" and account["debits_posted"] == "0"
    transfer = api.client.get("/v1/ledger/transfers/10", headers=api.headers(Role.AUDITOR)).json()
    assert transfer["amount"] == "1000" and transfer["pending_status"] is None


def test_lookups_of_unknown_ids_are_404(api: Api) -> None:
    headers = api.headers(Role.AUDITOR)
    assert api.client.get("/v1/ledger/accounts/77", headers=headers).status_code == 404
    assert api.client.get("/v1/ledger/transfers/77", headers=headers).status_code == 404
    assert api.client.get("/v1/ledger/accounts/77/transfers", headers=headers).status_code == 404


def test_paging_and_history(api: Api) -> None:
    setup_accounts(api)
    headers = api.headers(Role.OPERATOR)
    batch = [
        {
            "id": str(100 + i),
            "debit_account_id": "1",
            "credit_account_id": "2",
            "amount": "1",
            "ledger": 417,
            "code": 1,
        }
        for i in range(5)
    ]
    api.client.post("/v1/ledger/transfers", json=batch, headers=headers)
    page = api.client.get("/v1/ledger/accounts/2/transfers?limit=3", headers=headers).json()
    assert [t["id"] for t in page["transfers"]] == ["100", "101", "102"]
    rest = api.client.get(
        f"/v1/ledger/accounts/2/transfers?limit=3&after={page['next_after']}", headers=headers
    ).json()
    assert [t["id"] for t in rest["transfers"]] == ["103", "104"]
    assert rest["next_after"] is None


def test_freeze_needs_a_reason_and_blocks_transfers(api: Api) -> None:
    setup_accounts(api)
    operator = api.headers(Role.OPERATOR)
    no_reason = api.client.post("/v1/ledger/accounts/1/freeze", json={}, headers=operator)
    assert no_reason.status_code == 422
    frozen = api.client.post(
        "/v1/ledger/accounts/1/freeze", json={"reason": "court order 7"}, headers=operator
    )
    assert frozen.status_code == 200 and frozen.json()["frozen"] is True
    t = [
        {
            "id": "9",
            "debit_account_id": "1",
            "credit_account_id": "2",
            "amount": "5",
            "ledger": 417,
            "code": 1,
        }
    ]
    result = api.client.post("/v1/ledger/transfers", json=t, headers=operator).json()
    assert result == [{"index": 0, "result": "debit_account_frozen"}]
    missing = api.client.post(
        "/v1/ledger/accounts/404/freeze", json={"reason": "court order 7"}, headers=operator
    )
    assert missing.status_code == 404
    thawed = api.client.post(
        "/v1/ledger/accounts/1/unfreeze", json={"reason": "order lifted"}, headers=operator
    )
    assert thawed.json()["frozen"] is False


def test_head_moves_with_each_committed_batch(api: Api) -> None:
    headers = api.headers(Role.AUDITOR)
    before = api.client.get("/v1/ledger/head", headers=headers).json()
    assert before == {"height": "0", "hash": "00" * 32, "last_timestamp": "0"}
    setup_accounts(api)
    after = api.client.get("/v1/ledger/head", headers=headers).json()
    assert after["height"] == "1" and after["hash"] != before["hash"]


GOOD = {
    "id": "10",
    "debit_account_id": "1",
    "credit_account_id": "2",
    "amount": "5",
    "ledger": 417,
    "code": 1,
}
BAD_BATCHES = {
    "a float amount": [GOOD, {**GOOD, "id": "11", "amount": 1.5}],
    "a JSON number amount": [GOOD, {**GOOD, "id": "11", "amount": 5}],
    "a decimal-point string": [GOOD, {**GOOD, "id": "11", "amount": "1.50"}],
    "a negative amount": [GOOD, {**GOOD, "id": "11", "amount": "-5"}],
    "an id past 2^128": [GOOD, {**GOOD, "id": str(2**128)}],
    "an unknown field": [GOOD, {**GOOD, "id": "11", "memo": "hello"}],
    "an unknown flag": [GOOD, {**GOOD, "id": "11", "flags": 1 << 9}],
    "a ledger past u32": [GOOD, {**GOOD, "id": "11", "ledger": 2**32}],
    "no events": [],
    "8,191 events": [{**GOOD, "id": str(i + 1)} for i in range(8191)],
}


@pytest.mark.parametrize("case", list(BAD_BATCHES))
def test_bad_input_is_refused_whole_and_changes_nothing(api: Api, case: str) -> None:
    setup_accounts(api)
    before = row_counts(api)
    response = api.client.post(
        "/v1/ledger/transfers", json=BAD_BATCHES[case], headers=api.headers(Role.OPERATOR)
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"], "the error says what is wrong"
    assert row_counts(api) == before


def test_malformed_json_is_refused(api: Api) -> None:
    setup_accounts(api)
    before = row_counts(api)
    response = api.client.post(
        "/v1/ledger/transfers",
        content=b'[{"id": "1",',
        headers={**api.headers(Role.OPERATOR), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "json" in json.dumps(response.json()).lower()
    assert row_counts(api) == before


def test_a_path_id_out_of_range_is_refused(api: Api) -> None:
    response = api.client.get(f"/v1/ledger/accounts/{2**128}", headers=api.headers(Role.AUDITOR))
    assert response.status_code == 422


def test_admin_creates_keys_that_work(api: Api) -> None:
    response = api.client.post(
        "/v1/admin/keys", json={"role": "auditor"}, headers=api.headers(Role.ADMIN)
    )
    assert response.status_code == 201
    key = response.json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    assert api.client.get("/v1/ledger/head", headers=headers).status_code == 200
    assert api.client.post("/v1/ledger/accounts", json=ACCOUNTS, headers=headers).status_code == 403


def test_freezes_and_key_creation_are_in_the_audit_log(api: Api) -> None:
    setup_accounts(api)
    operator = api.headers(Role.OPERATOR)
    reason = "court order 2026-11-24 No. 7"
    api.client.post("/v1/ledger/accounts/2/freeze", json={"reason": reason}, headers=operator)
    api.client.post("/v1/admin/keys", json={"role": "auditor"}, headers=api.headers(Role.ADMIN))
    store = open_store(parse_database_url(api.url), migrate=False)
    try:
        with store.read_snapshot():
            entries = [e.event for e in iter_entries(store)]
        assert verify_audit(store).ok
    finally:
        store.close()
    freeze, create = entries[-2], entries[-1]
    assert (freeze.action, freeze.role, freeze.legal_basis) == ("ledger.freeze", "operator", reason)
    assert freeze.actor.startswith("key-") and freeze.details == {"account_id": "2"}
    assert (create.action, create.role, create.details) == (
        "key.create",
        "admin",
        {"role": "auditor"},
    )


def audit_entries(api: Api) -> int:
    store = open_store(parse_database_url(api.url), migrate=False)
    try:
        with store.read_snapshot():
            return sum(1 for _ in iter_entries(store))
    finally:
        store.close()


def test_a_refused_freeze_leaves_no_audit_entry(api: Api) -> None:
    before = audit_entries(api)
    response = api.client.post(
        "/v1/ledger/accounts/404/freeze",
        json={"reason": "court order 9"},
        headers=api.headers(Role.OPERATOR),
    )
    assert response.status_code == 404
    assert audit_entries(api) == before
