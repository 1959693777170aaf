"""Open the store a database URL names, with its schema migrated to the newest revision."""

from digisom.storage.base import LedgerStore
from digisom.storage.migrate import upgrade_to_head
from digisom.storage.urls import DatabaseUrl


def open_store(url: DatabaseUrl, *, migrate: bool = True) -> LedgerStore:
    """Connect; with `migrate`, first apply any migration the database lacks."""
    if url.kind == "sqlite":
        url.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade_to_head(url)
    if url.kind == "sqlite":
        from digisom.storage.sqlite import SqliteLedgerStore

        return SqliteLedgerStore(str(url.sqlite_path))
    from digisom.storage.postgres import PostgresLedgerStore

    return PostgresLedgerStore(url.postgres_conninfo)
