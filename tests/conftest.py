"""Shared fixtures: a fresh database of each kind for every test that asks for `db_url`.

PostgreSQL tests run against the real server at 127.0.0.1:5432 (user postgres, database test),
each in a schema of its own that is dropped afterwards. In CI they never skip: an unreachable
server fails them. Elsewhere they skip with a visible reason.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

POSTGRES_BASE_URL = os.environ.get(
    "DIGISOM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(POSTGRES_BASE_URL, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]
    return None


_POSTGRES_PROBLEM = _postgres_available()


def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh schema; the schema is dropped afterwards."""
    if _POSTGRES_PROBLEM is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {_POSTGRES_PROBLEM}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_BASE_URL}: {_POSTGRES_PROBLEM}")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_BASE_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES_BASE_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_BASE_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(autouse=True, scope="session")
def _default_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands run without --db write to a temporary file, never to ./digisom-data."""
    path = tmp_path_factory.mktemp("default-db") / "digisom.sqlite3"
    previous = os.environ.get("DIGISOM_DATABASE_URL")
    os.environ["DIGISOM_DATABASE_URL"] = f"sqlite:///{path}"
    yield
    if previous is None:
        del os.environ["DIGISOM_DATABASE_URL"]
    else:
        os.environ["DIGISOM_DATABASE_URL"] = previous


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
