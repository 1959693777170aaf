"""A small national scenario on a fresh database of each kind: central bank, two banks, the
Treasury, an agency, citizens and a merchant, with digital som issued to the banks."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.keys import Role
from digisom.keys import create_key as create_ledger_key
from digisom.ledger.service import Ledger
from digisom.platform import access, issuance, participants
from digisom.platform.access import PlatformRole
from digisom.platform.records import Kind, Participant
from digisom.platform.tiers import SOM
from digisom.platform.wallets import WalletSpec, open_wallets
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


@dataclass
class World:
    ledger: Ledger
    url: str


def seed(ledger: Ledger) -> None:
    def reg(
        pid: str,
        kind: Kind,
        bank: str | None = None,
        category: str | None = None,
        national_id: str | None = None,
    ) -> None:
        participants.register(
            ledger, Participant(pid, kind, pid.upper(), bank, category), national_id
        )

    reg("nbkr", Kind.CENTRAL_BANK)
    reg("bank-a", Kind.BANK)
    reg("bank-b", Kind.BANK)
    reg("treasury", Kind.TREASURY)
    reg("ministry-health", Kind.AGENCY)
    reg("alice", Kind.CITIZEN, "bank-a", national_id="21234567890123")
    reg("bob", Kind.CITIZEN, "bank-b", national_id="21234567890124")
    reg("carol", Kind.CITIZEN, "bank-a", national_id="21234567890125")
    reg("shop", Kind.BUSINESS, "bank-b", category="pharmacy")
    for bank in ("bank-a", "bank-b", "treasury"):
        issuance.credit_reserve(ledger, bank, 10_000_000 * SOM, "seed-reserve")
        issuance.issue(ledger, bank, 1_000_000 * SOM, "seed-issue")
    open_wallets(
        ledger,
        "bank-a",
        [
            WalletSpec("w-alice", "alice", "tier1", linked_reference="KG-A-0001"),
            WalletSpec("w-carol", "carol", "tier0"),
        ],
    )
    open_wallets(
        ledger,
        "bank-b",
        [
            WalletSpec("w-bob", "bob", "tier0"),
            WalletSpec("w-shop", "shop", "business"),
        ],
    )


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    store = open_store(parse_database_url(db_url))
    ledger = Ledger(store)
    seed(ledger)
    world = World(ledger, db_url)
    try:
        yield world
    finally:
        world.ledger.store.close()
        store.close()


@dataclass
class Api:
    client: TestClient
    keys: dict[str, str]

    def h(self, who: str, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.keys[who]}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    url = parse_database_url(db_url)
    store = open_store(url)
    seed(Ledger(store))
    keys = {
        "nbkr": access.create_key(store, PlatformRole.CENTRAL_BANK, "nbkr"),
        "bank-a": access.create_key(store, PlatformRole.BANK, "bank-a"),
        "bank-b": access.create_key(store, PlatformRole.BANK, "bank-b"),
        "treasury": access.create_key(store, PlatformRole.GOVERNMENT, "treasury"),
        "ministry": access.create_key(store, PlatformRole.GOVERNMENT, "ministry-health"),
        "compliance": access.create_key(store, PlatformRole.COMPLIANCE, None),
        "auditor": create_ledger_key(store, Role.AUDITOR),
        "operator": create_ledger_key(store, Role.OPERATOR),
    }
    store.close()
    with TestClient(create_app(url)) as client:
        yield Api(client, keys)
