"""The bridge between the ledger and the chain: tokens, outbox, transactions, nonces, indexed
blocks and events, registered holders and reconciliation alerts.

Revision ID: 0100
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"
branch_labels = ("bridge",)
depends_on = None

U128 = sa.LargeBinary(16)
HASH = sa.LargeBinary(32)
ADDRESS = sa.String(42)
SYMBOL = sa.String(16)


def upgrade() -> None:
    op.create_table(
        "bridge_tokens",
        sa.Column("chain_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("symbol", SYMBOL, primary_key=True),
        sa.Column("address", ADDRESS, nullable=False, unique=True),
        sa.Column("decimals", sa.Integer, nullable=False),
        sa.Column("escrow_account_id", U128, nullable=False),
        sa.Column("start_block", sa.BigInteger, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bridge_operations",
        sa.Column("id", U128, primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("chain_id", sa.BigInteger, nullable=False),
        sa.Column("symbol", SYMBOL, nullable=False),
        sa.Column("address", ADDRESS, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("request_hash", HASH, nullable=False),
        sa.Column("pending_transfer_id", U128, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sender", ADDRESS, nullable=True),
        sa.Column("nonce", sa.BigInteger, nullable=True),
        sa.Column("gas_limit", sa.BigInteger, nullable=True),
        sa.Column("max_fee_per_gas", sa.BigInteger, nullable=True),
        sa.Column("max_priority_fee_per_gas", sa.BigInteger, nullable=True),
        sa.Column("raw_tx", sa.LargeBinary, nullable=True),
        sa.Column("tx_hash", HASH, nullable=True),
        sa.Column("mined_block", sa.BigInteger, nullable=True),
        sa.Column("sent_at_ns", sa.BigInteger, nullable=True),
        sa.Column("bumps", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("updated_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_bridge_operations_status", "bridge_operations", ["status", "created_at_ns"])
    op.create_index(
        "ux_bridge_operations_nonce",
        "bridge_operations",
        ["chain_id", "sender", "nonce"],
        unique=True,
    )
    op.create_table(
        "bridge_transactions",
        sa.Column("tx_hash", HASH, primary_key=True),
        sa.Column("operation_id", U128, nullable=False),
        sa.Column("max_fee_per_gas", sa.BigInteger, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_bridge_transactions_operation", "bridge_transactions", ["operation_id"])
    op.create_table(
        "bridge_nonces",
        sa.Column("chain_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("sender", ADDRESS, primary_key=True),
        sa.Column("next_nonce", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bridge_blocks",
        sa.Column("chain_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("number", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("parent_hash", HASH, nullable=False),
    )
    op.create_table(
        "bridge_events",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("chain_id", sa.BigInteger, nullable=False),
        sa.Column("symbol", SYMBOL, nullable=False),
        sa.Column("block_number", sa.BigInteger, nullable=False),
        sa.Column("block_hash", HASH, nullable=False),
        sa.Column("from_address", ADDRESS, nullable=False),
        sa.Column("amount_units", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("operation_id", U128, nullable=True),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_bridge_events_status", "bridge_events", ["status", "block_number"])
    op.create_index("ix_bridge_events_block", "bridge_events", ["chain_id", "block_number"])
    op.create_table(
        "bridge_holders",
        sa.Column("address", ADDRESS, primary_key=True),
        sa.Column("account_id", U128, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bridge_alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("symbol", SYMBOL, nullable=False),
        sa.Column("detail", sa.String(2000), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "bridge_alerts",
        "bridge_holders",
        "bridge_events",
        "bridge_blocks",
        "bridge_nonces",
        "bridge_transactions",
        "bridge_operations",
        "bridge_tokens",
    ):
        op.drop_table(table)
