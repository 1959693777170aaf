"""Bring a database's schema to the newest revision with Alembic (the migration tool).

Run on every start: upgrading an up-to-date database is a no-op, so a new release's migrations
apply themselves and an operator never runs SQL by hand.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from digisom.storage.urls import DatabaseUrl

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def upgrade_to_head(url: DatabaseUrl) -> None:
    """Apply every migration the database has not seen yet.

    Each area (ledger, platform, bridge, compliance, reserve) keeps its tables in its own branch
    of revisions rooted at the ledger's 0001, so areas can add tables without renumbering others.
    """
    engine = sa.create_engine(url.sqlalchemy_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    finally:
        engine.dispose()
