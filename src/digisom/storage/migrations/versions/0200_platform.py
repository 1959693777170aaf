"""The platform: participants, wallets, API key bindings, idempotency keys, disbursement files and
rows, payment requests, subsidy programmes and grants.

None of these tables holds a balance: every som is a ledger account (see docs/platform.md). They
hold who is who, which ledger account belongs to whom, and the progress of long-running work.

Revision ID: 0200
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0200"
down_revision = "0001"
branch_labels = ("platform",)
depends_on = None

U128 = sa.LargeBinary(16)
NAME = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "platform_participants",
        sa.Column("id", NAME, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("bank_id", NAME, nullable=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("national_id_hash", sa.LargeBinary(32), nullable=True, unique=True),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "platform_wallets",
        sa.Column("id", NAME, primary_key=True),
        sa.Column("owner_id", NAME, nullable=False),
        sa.Column("bank_id", NAME, nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("account_id", U128, nullable=False, unique=True),
        sa.Column("linked_reference", sa.String(64), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_platform_wallets_owner", "platform_wallets", ["owner_id"])
    op.create_index("ix_platform_wallets_bank", "platform_wallets", ["bank_id"])
    op.create_table(
        "platform_api_keys",
        sa.Column("key_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("participant_id", NAME, nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("revoked", sa.SmallInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "platform_idempotency",
        sa.Column("caller", NAME, primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("request_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "platform_disbursements",
        sa.Column("id", NAME, primary_key=True),
        sa.Column("payer_id", NAME, nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "platform_disbursement_rows",
        sa.Column("disbursement_id", NAME, primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("wallet_id", NAME, nullable=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )
    op.create_table(
        "platform_payment_requests",
        sa.Column("id", NAME, primary_key=True),
        sa.Column("merchant_wallet_id", NAME, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "platform_subsidy_programmes",
        sa.Column("id", NAME, primary_key=True),
        sa.Column("agency_id", NAME, nullable=False),
        sa.Column("categories", sa.String(400), nullable=False),
        sa.Column("expires_at_ns", sa.BigInteger, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "platform_subsidy_grants",
        sa.Column("programme_id", NAME, primary_key=True),
        sa.Column("wallet_id", NAME, primary_key=True),
        sa.Column("account_id", U128, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "platform_subsidy_grants",
        "platform_subsidy_programmes",
        "platform_payment_requests",
        "platform_disbursement_rows",
        "platform_disbursements",
        "platform_idempotency",
        "platform_api_keys",
        "platform_wallets",
        "platform_participants",
    ):
        op.drop_table(table)
