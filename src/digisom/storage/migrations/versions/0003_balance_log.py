"""Balances are logged per batch and checkpointed, instead of rewritten in place every batch.

Rewriting ~15,000 random balance rows per batch dirtied nearly every page of `balances`, and
SQLite writes and syncs each dirty page at commit. Now a batch appends one `balance_log` row (the
new balances of the accounts it changed, packed), and every few batches (`BALANCE_LOG_*` limits)
the logged balances are written into `balances` once and the log is emptied. An account's balance
is its `balances` row unless a log row after the checkpoint has a newer one. See docs/ledger.md,
"Balances: a log and checkpoints".

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# On SQLite only a column typed exactly INTEGER aliases the rowid (an append-only B-tree key).
HEIGHT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "balance_log",
        # The journal height of the batch that wrote these balances.
        sa.Column("height", HEIGHT_KEY, primary_key=True, autoincrement=False),
        # (id, debits_pending, debits_posted, credits_pending, credits_posted) per account, each
        # a 16-byte big-endian integer: 80 bytes per account (digisom.storage.codec).
        sa.Column("changes", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Stored out of line as is: compressing ~1.3 MB per batch cost more than writing it.
        op.execute("ALTER TABLE balance_log ALTER COLUMN changes SET STORAGE EXTERNAL")
    op.create_table(
        "balances_state",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        # The journal height `balances` was last brought up to; the log holds only later rows.
        sa.Column("through_height", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_balances_state_one_row"),
    )
    op.execute("INSERT INTO balances_state (id, through_height) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("balances_state")
    op.drop_table("balance_log")
