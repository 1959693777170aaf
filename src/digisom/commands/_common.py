"""Options shared by every command that touches the database."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from digisom.storage.base import LedgerStore

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="sqlite:///PATH or postgresql://USER@HOST/DB "
        "(default: $DIGISOM_DATABASE_URL, else ./digisom-data/digisom.sqlite3)",
    ),
]


@contextmanager
def opened_store(db: str | None) -> Iterator["LedgerStore"]:
    """The ledger store at `db` (migrated; the default database when None), closed after."""
    from digisom.storage.factory import open_store
    from digisom.storage.urls import parse_database_url

    store = open_store(parse_database_url(db))
    try:
        yield store
    finally:
        store.close()
