"""The audit log's hash chain: appends link, verify recomputes, any tampering is found."""

import itertools

import pytest

from digisom.audit.log import AuditEvent, append, entry_hash, head, verify
from digisom.errors import InvalidInput
from digisom.ledger.model import GENESIS_HASH
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url


def _event(n: int, subject: str | None = "sub_" + "a" * 32) -> AuditEvent:
    return AuditEvent(
        "key-7",
        "compliance_officer",
        "fiu",
        "kyc.read",
        subject,
        "aml_investigation",
        "AML law art. 12",
        {"case": n, "note": "Ы"},
    )


def test_chain_links_and_verifies(db_url: str) -> None:
    store = open_store(parse_database_url(db_url))
    try:
        assert head(store).height == 0 and head(store).hash == GENESIS_HASH
        entries = [append(store, _event(n)) for n in range(5)]
        assert entries[0].previous_hash == GENESIS_HASH
        for before, after in itertools.pairwise(entries):
            assert after.previous_hash == before.hash and after.height == before.height + 1
        result = verify(store)
        assert result.ok and result.entries == 5 and result.head.hash == entries[-1].hash
        assert head(store).hash == entries[-1].hash
        expected = entry_hash(3, entries[1].hash, entries[2].recorded_at_ns, entries[2].event)
        assert expected == entries[2].hash
    finally:
        store.close()


@pytest.mark.parametrize(
    ("column", "value"),
    [("agency", "police"), ("legal_basis", "none at all"), ("details", '{"case":99,"note":"Ы"}')],
)
def test_verify_finds_a_changed_row(sqlite_url: str, column: str, value: str) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        for n in range(4):
            append(store, _event(n))
        with store.write_transaction():
            store._execute(f"UPDATE audit_log SET {column} = ? WHERE height = 2", (value,))
        result = verify(store)
        assert not result.ok and result.first_bad_height == 2 and result.head.height == 1
    finally:
        store.close()


def test_verify_finds_a_removed_row(db_url: str) -> None:
    store = open_store(parse_database_url(db_url))
    try:
        for n in range(3):
            append(store, _event(n, None))
        with store.write_transaction():
            store._execute("DELETE FROM audit_log WHERE height = 2")
        result = verify(store)
        assert not result.ok and result.first_bad_height == 3
    finally:
        store.close()


@pytest.mark.parametrize(
    "event",
    [
        AuditEvent("", "r", "a", "x", None, "p", "basis"),
        AuditEvent("k", "r", "a", "x", None, "p", "  "),
        AuditEvent("k", "r", "a", "x", None, "p", "basis", {"blob": "x" * 5000}),
        AuditEvent("k", "r", "a" * 65, "x", None, "p", "basis"),
    ],
)
def test_bad_events_are_refused_and_write_nothing(sqlite_url: str, event: AuditEvent) -> None:
    store = open_store(parse_database_url(sqlite_url))
    try:
        with pytest.raises(InvalidInput):
            append(store, event)
        assert head(store).height == 0
    finally:
        store.close()


def test_concurrent_appends_keep_one_linear_chain(db_url: str) -> None:
    """Writers on separate connections append at once; the write lock keeps the chain whole."""
    from concurrent.futures import ThreadPoolExecutor

    url = parse_database_url(db_url)
    open_store(url).close()

    def writer(n: int) -> None:
        store = open_store(url, migrate=False)
        try:
            for i in range(15):
                append(store, _event(n * 100 + i))
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    store = open_store(url, migrate=False)
    try:
        result = verify(store)
        assert result.ok and result.entries == 60 and head(store).height == 60
    finally:
        store.close()
