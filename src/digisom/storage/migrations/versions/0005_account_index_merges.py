"""Merges of the per-account index's runs are paced: a run row records a merge in progress.

A source of a merge names its target (`merging_into`); the target holds the last account moved
so far (`merge_cursor`). See digisom.storage.account_index.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_index_runs") as batch:
        batch.add_column(sa.Column("merging_into", sa.SmallInteger, nullable=True))
        batch.add_column(sa.Column("merge_cursor", sa.LargeBinary(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_index_runs") as batch:
        batch.drop_column("merge_cursor")
        batch.drop_column("merging_into")
