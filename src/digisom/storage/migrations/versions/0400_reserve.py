"""Reserve: published proof-of-liabilities roots and their leaves, holder keys, reserve
holdings, valuations with the prices they used, and proofs of address control.

Amounts that may exceed 64 bits (token base units, som and USD totals) are decimal strings:
portable, exact, and never a float. Hashes, salts and signatures are binary.

Revision ID: 0400
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0400"
down_revision = "0001"
branch_labels = ("reserve",)
depends_on = None

AMOUNT = sa.String(80)
"""A non-negative integer as decimal digits (up to 2**256 has 78 digits)."""
UID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "por_roots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("sum_minor", AMOUNT, nullable=False),
        sa.Column("leaf_count", sa.BigInteger, nullable=False),
        sa.Column("snapshot", sa.String(20), nullable=False),
        sa.Column("ledger_height", sa.BigInteger, nullable=False),
        sa.Column("journal_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.Column("anchor_chain_id", sa.BigInteger, nullable=True),
        sa.Column("anchor_tx", sa.LargeBinary(32), nullable=True),
        sa.Column("anchor_block", sa.BigInteger, nullable=True),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "por_leaves",
        sa.Column("root_id", sa.Integer, primary_key=True),
        sa.Column("uid", UID, primary_key=True),
        sa.Column("balance_minor", AMOUNT, nullable=False),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
    )
    op.create_table(
        "por_holder_keys",
        sa.Column("key_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("uid", UID, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("revoked", sa.SmallInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "reserve_holdings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("portfolio", sa.String(16), nullable=False),
        sa.Column("asset", sa.String(16), nullable=False),
        sa.Column("decimals", sa.Integer, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("chain_id", sa.BigInteger, nullable=True),
        sa.Column("address", sa.String(100), nullable=True),
        sa.Column("token_contract", sa.String(42), nullable=True),
        sa.Column("ledger_account_id", sa.LargeBinary(16), nullable=True),
        sa.Column("amount_units", AMOUNT, nullable=True),
        sa.Column("evidence", sa.String(500), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "reserve_valuations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("taken_at_ns", sa.BigInteger, nullable=False),
        sa.Column("backing_som_minor", AMOUNT, nullable=False),
        sa.Column("crypto_usd_minor", AMOUNT, nullable=False),
        sa.Column("crypto_som_minor", AMOUNT, nullable=False),
        sa.Column("kgst_supply_minor", AMOUNT, nullable=True),
        sa.Column("ratio_bps", sa.BigInteger, nullable=True),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_reserve_valuations_taken", "reserve_valuations", ["taken_at_ns"])
    op.create_table(
        "reserve_valuation_prices",
        sa.Column("valuation_id", sa.Integer, primary_key=True),
        sa.Column("base", sa.String(16), primary_key=True),
        sa.Column("quote", sa.String(16), primary_key=True),
        sa.Column("numerator", AMOUNT, nullable=False),
        sa.Column("denominator", AMOUNT, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("observed_at", sa.String(20), nullable=False),
    )
    op.create_table(
        "reserve_attestations",
        sa.Column("round_id", sa.String(64), primary_key=True),
        sa.Column("address", sa.String(100), primary_key=True),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("verified_at_ns", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "reserve_attestations",
        "reserve_valuation_prices",
        "reserve_valuations",
        "reserve_holdings",
        "por_holder_keys",
        "por_leaves",
        "por_roots",
    ):
        op.drop_table(table)
