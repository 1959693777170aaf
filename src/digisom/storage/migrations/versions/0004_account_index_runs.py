"""The per-account index becomes sorted runs in levels (an LSM tree's shape) instead of one index.

Folding the tail into one index rewrote most of its pages each time, so a fold cost grew with the
ledger. Now each fold writes a run of its own, and full levels are merged into the next
(digisom.storage.account_index). The existing index becomes one run of the last level.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from digisom.storage.account_index import LEVELS, level_slots

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

U128 = sa.LargeBinary(16)


def upgrade() -> None:
    op.create_table(
        "account_index_runs",
        sa.Column("run_slot", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("first_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_timestamp", sa.BigInteger, nullable=False),
        sa.Column("entries", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "account_index_runs_entries",
        sa.Column("run_slot", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("account_id", U128, primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    last_level_slot = level_slots(LEVELS - 1)[0]
    op.execute(
        "INSERT INTO account_index_runs_entries (run_slot, account_id, timestamp) "
        f"SELECT {last_level_slot}, account_id, timestamp FROM account_index "
        "ORDER BY account_id, timestamp"
    )
    op.execute(
        "INSERT INTO account_index_runs (run_slot, first_timestamp, last_timestamp, entries) "
        f"SELECT {last_level_slot}, 1, s.through_timestamp, (SELECT COUNT(*) FROM account_index) "
        "FROM account_index_state s WHERE EXISTS (SELECT 1 FROM account_index)"
    )
    op.drop_table("account_index")
    op.rename_table("account_index_runs_entries", "account_index")


def downgrade() -> None:
    op.create_table(
        "account_index_single",
        sa.Column("account_id", U128, primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO account_index_single (account_id, timestamp) "
        "SELECT account_id, timestamp FROM account_index ORDER BY account_id, timestamp"
    )
    op.drop_table("account_index")
    op.drop_table("account_index_runs")
    op.rename_table("account_index_single", "account_index")
