"""The per-account index of transfers becomes a folded index with an unindexed tail.

Two B-tree indexes on (debit_account_id, timestamp) and (credit_account_id, timestamp) took two
random inserts per transfer: with random account pairs, every batch dirtied most of their pages,
and on SQLite each dirty page is written to the WAL and synced at commit (about half of a batch's
commit). Now the newest transfers form an unindexed tail, found by a range scan on the
transfers' timestamp key, and every `ACCOUNT_INDEX_TAIL_TRANSFERS_MAX` transfers the tail is
folded into `account_index` in one sorted pass. See docs/ledger.md, "Listing an account's
transfers".

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

U128 = sa.LargeBinary(16)


def upgrade() -> None:
    op.drop_index("ix_transfers_debit", table_name="transfers")
    op.drop_index("ix_transfers_credit", table_name="transfers")
    op.create_table(
        "account_index",
        sa.Column("account_id", U128, primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "account_index_state",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        # Every transfer at or before this timestamp is in account_index; none after it.
        sa.Column("through_timestamp", sa.BigInteger, nullable=False),
        # How many transfers come after through_timestamp (the unindexed tail).
        sa.Column("tail_count", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_account_index_state_one_row"),
    )
    # Fold what an existing database holds, so that its tail starts empty.
    op.execute(
        "INSERT INTO account_index (account_id, timestamp) "
        "SELECT debit_account_id, timestamp FROM transfers "
        "UNION ALL SELECT credit_account_id, timestamp FROM transfers"
    )
    op.execute(
        "INSERT INTO account_index_state (id, through_timestamp, tail_count) "
        "SELECT 1, COALESCE(MAX(timestamp), 0), 0 FROM transfers"
    )


def downgrade() -> None:
    op.drop_table("account_index_state")
    op.drop_table("account_index")
    op.create_index("ix_transfers_debit", "transfers", ["debit_account_id", "timestamp"])
    op.create_index("ix_transfers_credit", "transfers", ["credit_account_id", "timestamp"])
