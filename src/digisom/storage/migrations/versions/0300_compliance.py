"""Compliance: the audit log, the KYC vault, key bindings, list versions, cases, monitoring
offsets, freezes and seizures.

Personal data appears in one table only, `kyc_subjects`, and only as AES-GCM ciphertext; every
other table refers to people by their pseudonymous subject id (see docs/compliance.md).

Revision ID: 0300
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0300"
down_revision = "0001"
branch_labels = ("compliance",)
depends_on = None

U128 = sa.LargeBinary(16)
NAME = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("height", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("previous_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("recorded_at_ns", sa.BigInteger, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("agency", NAME, nullable=False),
        sa.Column("action", NAME, nullable=False),
        sa.Column("subject_id", NAME, nullable=True),
        sa.Column("purpose", NAME, nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject_id", "height"])
    op.create_table(
        "kyc_subjects",
        sa.Column("subject_id", NAME, primary_key=True),
        sa.Column("key_id", NAME, nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=True),
        sa.Column("nonce", sa.LargeBinary(12), nullable=True),
        sa.Column("ciphertext", sa.LargeBinary, nullable=True),
        sa.Column("retention_class", sa.String(40), nullable=False),
        sa.Column("screening", sa.String(10), nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("relationship_ended_at_ns", sa.BigInteger, nullable=True),
        sa.Column("erased_at_ns", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "kyc_links",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("value", sa.String(66), primary_key=True),
        sa.Column("subject_id", NAME, nullable=False),
    )
    op.create_index("ix_kyc_links_subject", "kyc_links", ["subject_id"])
    op.create_table(
        "compliance_key_bindings",
        sa.Column("key_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("agency", NAME, nullable=True),
        sa.Column("subject_id", NAME, nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
    )
    op.create_table(
        "compliance_list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("loaded_at_ns", sa.BigInteger, nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
        sa.Column("entries", sa.Text, nullable=False),
    )
    op.create_index("ix_compliance_list_versions_source", "compliance_list_versions", ["source"])
    op.create_table(
        "compliance_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject_id", NAME, nullable=True),
        sa.Column("account_id", U128, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("opened_at_ns", sa.BigInteger, nullable=False),
        sa.Column("decided_at_ns", sa.BigInteger, nullable=True),
        sa.Column("decided_by", NAME, nullable=True),
        sa.Column("decision_basis", sa.String(200), nullable=True),
    )
    op.create_index("ix_compliance_cases_status", "compliance_cases", ["status", "id"])
    op.create_table(
        "compliance_offsets",
        sa.Column("consumer", NAME, primary_key=True),
        sa.Column("last_timestamp", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "compliance_freezes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_id", NAME, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("accounts", sa.Text, nullable=False),
        sa.Column("addresses", sa.Text, nullable=False),
        sa.Column("created_at_ns", sa.BigInteger, nullable=False),
        sa.Column("updated_at_ns", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_compliance_freezes_subject", "compliance_freezes", ["subject_id"])


def downgrade() -> None:
    for table in (
        "compliance_freezes",
        "compliance_offsets",
        "compliance_cases",
        "compliance_list_versions",
        "compliance_key_bindings",
        "kyc_links",
        "kyc_subjects",
        "audit_log",
    ):
        op.drop_table(table)
