"""A `Ledger` on a fresh store of each kind, with a deterministic clock."""

from collections.abc import Iterator

import pytest

from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


class ManualClock:
    """A clock the test moves by hand, so that pending-transfer timeouts are deterministic."""

    def __init__(self, start_ns: int = 1_800_000_000 * 10**9) -> None:
        self.now_ns = start_ns

    def __call__(self) -> int:
        return self.now_ns

    def advance_s(self, seconds: int) -> None:
        self.now_ns += seconds * 10**9


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def ledger(db_url: str, clock: ManualClock) -> Iterator[Ledger]:
    store = open_store(parse_database_url(db_url))
    try:
        yield Ledger(store, clock_ns=clock)
    finally:
        store.close()
