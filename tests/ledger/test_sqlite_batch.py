"""The native SQL functions SQLite writes and reads a batch through (digisom.storage._sqlite_batch).

Each is checked against the plain SQL it replaces: the idempotency seek against a lookup by id,
the index entries against the transfers, and a malformed argument must fail the statement and
change nothing.
"""

import random
import sqlite3
from collections.abc import Iterator

import pytest

from digisom.errors import ConfigurationError
from digisom.ledger import journal
from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.storage import _sqlite_batch
from digisom.storage.factory import open_store
from digisom.storage.sqlite import SqliteLedgerStore
from digisom.storage.urls import parse_database_url
from tests.ledger.helpers import account, transfer


@pytest.fixture
def sqlite_ledger(sqlite_url: str) -> Iterator[Ledger]:
    store = open_store(parse_database_url(sqlite_url))
    try:
        yield Ledger(store)
    finally:
        store.close()


def _keys(ids: set[int]) -> bytes:
    return b"".join(i.to_bytes(16, "big") for i in sorted(ids))


@pytest.mark.parametrize("id_kind", ["growing", "random"])
def test_the_ordered_seek_finds_exactly_the_stored_ids(sqlite_ledger: Ledger, id_kind: str) -> None:
    rng = random.Random(id_kind)
    ledger = sqlite_ledger
    ledger.create_accounts([account(1), account(2)])
    if id_kind == "growing":
        stored_ids = list(range(1000, 1300))
    else:
        stored_ids = [rng.getrandbits(128) or 1 for _ in range(300)]
    for start in range(0, len(stored_ids), 100):
        batch = [transfer(i, 1, 2, 1) for i in stored_ids[start : start + 100]]
        assert set(ledger.create_transfers(batch).results) == {"ok"}
    store = ledger.store
    for _ in range(25):
        probe = set(rng.sample(stored_ids, rng.randrange(0, 20)))
        probe.update(rng.getrandbits(128) for _ in range(rng.randrange(0, 20)))
        probe.update(rng.choice([0, 1, 999, 1300, 2**128 - 1]) for _ in range(3))
        expected = store.load_transfers(probe)
        found = store.load_transfer_records(_keys(probe))
        assert found == b"".join(journal.encode_transfer(expected[i]) for i in sorted(expected))


def test_malformed_arguments_fail_the_statement(sqlite_ledger: Ledger) -> None:
    store = sqlite_ledger.store
    assert isinstance(store, SqliteLedgerStore)
    connection = store.connection
    with pytest.raises(sqlite3.Error, match="16 bytes each"):
        connection.execute("SELECT digisom_find_transfers(?)", (b"x" * 17,))
    with pytest.raises(sqlite3.Error, match="129 bytes each"):
        connection.execute("SELECT digisom_insert_transfers(?)", (b"x" * 130,))
    with pytest.raises(sqlite3.Error, match="not a transfer record"):
        connection.execute("SELECT digisom_insert_transfers(?)", (b"\x03" + b"\x00" * 128,))
    with pytest.raises(sqlite3.Error, match="80 bytes each"):
        connection.execute("SELECT digisom_update_balances(?)", (b"x" * 81,))
    assert store.count_rows("transfers") == 0


def test_a_failed_insert_inside_a_batch_leaves_nothing(sqlite_ledger: Ledger) -> None:
    """A transfer id that is somehow stored already makes the native insert fail on the unique
    index: the whole batch rolls back, the journal does not move."""
    ledger = sqlite_ledger
    ledger.create_accounts([account(1), account(2)])
    ledger.create_transfers([transfer(1, 1, 2, 5)])
    head = ledger.store.head()
    store = ledger.store
    real = store.load_transfer_records
    store.load_transfer_records = lambda keys: b""  # type: ignore[method-assign]
    try:
        with pytest.raises(sqlite3.IntegrityError):
            ledger.create_transfers([transfer(2, 1, 2, 5), transfer(1, 1, 2, 5)])
    finally:
        store.load_transfer_records = real  # type: ignore[method-assign]
    assert store.head() == head
    assert store.get_transfer(2) is None
    assert ledger.get_account(1) is not None
    assert ledger.create_transfers([transfer(2, 1, 2, 5)]).results == ["ok"]


def test_index_entries_are_the_transfers_accounts_in_account_order(sqlite_ledger: Ledger) -> None:
    ledger = sqlite_ledger
    ledger.create_accounts([account(i) for i in (1, 2, 3)])
    made = [(1, 2), (3, 1), (2, 3), (1, 3)]
    ledger.create_transfers([transfer(i, d, c, 1) for i, (d, c) in enumerate(made, 1)])
    store = ledger.store
    stored = [store.get_transfer(i) for i in range(1, 5)]
    assert all(isinstance(t, Transfer) for t in stored)
    timestamps = [t.timestamp for t in stored if t is not None]
    expected = sorted((a, t) for (d, c), t in zip(made, timestamps, strict=True) for a in (d, c))
    entries = store._index_entries(timestamps[0] - 1, timestamps[2])  # the first three only
    decoded = [
        (
            int.from_bytes(entries[i : i + 16], "big"),
            int.from_bytes(entries[i + 16 : i + 24], "big"),
        )
        for i in range(0, len(entries), 24)
    ]
    assert decoded == [e for e in expected if e[1] <= timestamps[2]]


def test_a_store_refuses_functions_of_another_abi(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sqlite_batch, "BATCH_ABI", _sqlite_batch.BATCH_ABI + 1)
    with pytest.raises(ConfigurationError, match="rebuild"):
        open_store(parse_database_url(sqlite_url))
