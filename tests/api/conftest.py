"""An API client on a fresh database of each kind, and keys for every role."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from digisom.api.app import create_app
from digisom.keys import Role, create_key
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


@dataclass
class Api:
    client: TestClient
    keys: dict[Role, str]
    url: str

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    url = parse_database_url(db_url)
    store = open_store(url)
    keys = {role: create_key(store, role, f"test {role.value}") for role in Role}
    store.close()
    with TestClient(create_app(url)) as client:
        yield Api(client, keys, db_url)
