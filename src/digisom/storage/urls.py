"""Database URLs: `sqlite:///path` (embedded default) or `postgresql://...` (production)."""

import os
from dataclasses import dataclass
from pathlib import Path

from digisom.errors import ConfigurationError

DEFAULT_DATA_DIR = Path("digisom-data")
DEFAULT_SQLITE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'digisom.sqlite3'}"
ENVIRONMENT_VARIABLE = "DIGISOM_DATABASE_URL"


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL. `kind` is "sqlite" or "postgresql"."""

    kind: str
    raw: str

    @property
    def sqlite_path(self) -> Path:
        if self.kind != "sqlite":
            raise ConfigurationError(f"not a SQLite URL: {self.redacted()}")
        return Path(self.raw.removeprefix("sqlite:///"))

    @property
    def postgres_conninfo(self) -> str:
        """The URL as psycopg takes it (without SQLAlchemy's driver suffix)."""
        return self.raw.replace("postgresql+psycopg://", "postgresql://", 1)

    def sqlalchemy_url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        return self.postgres_conninfo.replace("postgresql://", "postgresql+psycopg://", 1)

    def redacted(self) -> str:
        """The URL with any password replaced, fit for logs and error messages."""
        head, sep, tail = self.raw.partition("@")
        if not sep or "://" not in head:
            return self.raw
        scheme, _, credentials = head.partition("://")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{tail}" if ":" in credentials else self.raw


def parse_database_url(url: str | None) -> DatabaseUrl:
    """Parse `url`, else `$DIGISOM_DATABASE_URL`, else the embedded SQLite file."""
    raw = url or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_SQLITE_URL
    if raw.startswith("sqlite:///") and len(raw) > len("sqlite:///"):
        return DatabaseUrl("sqlite", raw)
    if raw.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raw = raw.replace("postgres://", "postgresql://", 1)
        return DatabaseUrl("postgresql", raw)
    raise ConfigurationError(
        f"unsupported database URL {raw!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
    )
