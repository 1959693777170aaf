"""The ledger: accounts, transfers, pending transfers, account events, history, journal, keys.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

U128 = sa.LargeBinary(16)
U64 = sa.LargeBinary(8)
# On SQLite only a column typed exactly INTEGER aliases the rowid (an append-only B-tree key).
TIMESTAMP_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", U128, primary_key=True),
        sa.Column("ledger", sa.BigInteger, nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("user_data_128", U128, nullable=False),
        sa.Column("user_data_64", U64, nullable=False),
        sa.Column("user_data_32", sa.BigInteger, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False, unique=True),
        sa.Column("frozen", sa.SmallInteger, nullable=False, server_default="0"),
        sqlite_with_rowid=False,
    )
    # Balances live apart from the account's fixed fields: a batch rewrites thousands of them,
    # and narrow rows mean fewer pages written per commit (and HOT updates on PostgreSQL).
    op.create_table(
        "balances",
        sa.Column("id", U128, primary_key=True),
        sa.Column("debits_pending", U128, nullable=False),
        sa.Column("debits_posted", U128, nullable=False),
        sa.Column("credits_pending", U128, nullable=False),
        sa.Column("credits_posted", U128, nullable=False),
        sqlite_with_rowid=False,
        postgresql_with={"fillfactor": 70},
    )
    op.create_table(
        "transfers",
        sa.Column("timestamp", TIMESTAMP_KEY, primary_key=True, autoincrement=False),
        sa.Column("id", U128, nullable=False),
        sa.Column("debit_account_id", U128, nullable=False),
        sa.Column("credit_account_id", U128, nullable=False),
        sa.Column("amount", U128, nullable=False),
        sa.Column("pending_id", U128, nullable=False),
        sa.Column("user_data_128", U128, nullable=False),
        sa.Column("user_data_64", U64, nullable=False),
        sa.Column("user_data_32", sa.BigInteger, nullable=False),
        sa.Column("timeout", sa.BigInteger, nullable=False),
        sa.Column("ledger", sa.BigInteger, nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
    )
    op.create_index("ux_transfers_id", "transfers", ["id"], unique=True)
    op.create_index("ix_transfers_debit", "transfers", ["debit_account_id", "timestamp"])
    op.create_index("ix_transfers_credit", "transfers", ["credit_account_id", "timestamp"])
    op.create_table(
        "pending_transfers",
        sa.Column("id", U128, primary_key=True),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("resolved_at", sa.BigInteger, nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_pending_due",
        "pending_transfers",
        ["expires_at"],
        sqlite_where=sa.text("status = 0 AND expires_at > 0"),
        postgresql_where=sa.text("status = 0 AND expires_at > 0"),
    )
    op.create_index("ix_pending_resolved", "pending_transfers", ["resolved_at"])
    op.create_table(
        "account_events",
        sa.Column("timestamp", TIMESTAMP_KEY, primary_key=True, autoincrement=False),
        sa.Column("account_id", U128, nullable=False),
        sa.Column("kind", sa.SmallInteger, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_table(
        "account_history",
        sa.Column("account_id", U128, primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True),
        sa.Column("debits_pending", U128, nullable=False),
        sa.Column("debits_posted", U128, nullable=False),
        sa.Column("credits_pending", U128, nullable=False),
        sa.Column("credits_posted", U128, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "journal",
        sa.Column("height", TIMESTAMP_KEY, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.Column("previous_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("first_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_timestamp", sa.BigInteger, nullable=False),
        sa.Column("record_count", sa.Integer, nullable=False),
        sa.Column("committed_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("revoked", sa.SmallInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in (
        "api_keys",
        "journal",
        "account_history",
        "account_events",
        "pending_transfers",
        "balances",
        "transfers",
        "accounts",
    ):
        op.drop_table(table)
