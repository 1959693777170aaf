"""The per-account index's runs are stored as blocks of entries, one row per block.

A row per (account, timestamp) entry cost SQLite ~0.7 us an insert, most of a fold's time; a
block holds up to 160 entries (24 bytes each: the account's 16 big-endian bytes, then the
timestamp's 8), keyed by the run slot and its first entry (digisom.storage.account_index).
Existing entries are regrouped into blocks, run by run, in key order.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BLOCK_ENTRIES_MAX = 160
"""As ACCOUNT_INDEX_BLOCK_ENTRIES_MAX when this migration was written (a migration is fixed)."""
INSERT_ROWS_PER_STATEMENT = 1_000

blocks_table = sa.table(
    "account_index_blocks",
    sa.column("run_slot", sa.SmallInteger),
    sa.column("first_account", sa.LargeBinary),
    sa.column("first_timestamp", sa.BigInteger),
    sa.column("entries", sa.LargeBinary),
)


def _blocks(rows: Iterator[sa.Row[tuple[int, bytes, int]]]) -> Iterator[dict[str, object]]:
    """Rows of (run_slot, account_id, timestamp) in key order, as blocks."""
    slot: int | None = None
    entries: list[bytes] = []

    def block() -> dict[str, object]:
        data = b"".join(entries)
        return {
            "run_slot": slot,
            "first_account": data[:16],
            "first_timestamp": int.from_bytes(data[16:24], "big"),
            "entries": data,
        }

    for run_slot, account_id, timestamp in rows:  # type: ignore[misc]
        if entries and (run_slot != slot or len(entries) == BLOCK_ENTRIES_MAX):
            yield block()
            entries = []
        slot = run_slot
        entries.append(bytes(account_id) + int(timestamp).to_bytes(8, "big"))
    if entries:
        yield block()


def upgrade() -> None:
    op.create_table(
        "account_index_blocks",
        sa.Column("run_slot", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("first_account", sa.LargeBinary(16), primary_key=True),
        sa.Column("first_timestamp", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("entries", sa.LargeBinary, nullable=False),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT run_slot, account_id, timestamp FROM account_index "
            "ORDER BY run_slot, account_id, timestamp"
        )
    )
    pending: list[dict[str, object]] = []
    for block in _blocks(iter(rows)):
        pending.append(block)
        if len(pending) == INSERT_ROWS_PER_STATEMENT:
            bind.execute(blocks_table.insert(), pending)
            pending = []
    if pending:
        bind.execute(blocks_table.insert(), pending)
    op.drop_table("account_index")
    op.rename_table("account_index_blocks", "account_index")


def downgrade() -> None:
    op.create_table(
        "account_index_entries",
        sa.Column("run_slot", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("account_id", sa.LargeBinary(16), primary_key=True),
        sa.Column("timestamp", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    entries_table = sa.table(
        "account_index_entries",
        sa.column("run_slot", sa.SmallInteger),
        sa.column("account_id", sa.LargeBinary),
        sa.column("timestamp", sa.BigInteger),
    )
    for run_slot, data in bind.execute(sa.text("SELECT run_slot, entries FROM account_index")):
        data = bytes(data)
        bind.execute(
            entries_table.insert(),
            [
                {
                    "run_slot": run_slot,
                    "account_id": data[i : i + 16],
                    "timestamp": int.from_bytes(data[i + 16 : i + 24], "big"),
                }
                for i in range(0, len(data), 24)
            ],
        )
    op.drop_table("account_index")
    op.rename_table("account_index_entries", "account_index")
