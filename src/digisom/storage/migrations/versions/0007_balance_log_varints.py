"""Balance log rows hold varints instead of fixed 16-byte fields.

Each account in a row was its id and four balances as 16 big-endian bytes each (80 bytes); now
each is an unsigned LEB128 varint (10.5 bytes an account in the ledger benchmark). The row was
half of the bytes a batch commits. Rows written before are rewritten in the new layout; the
values do not change (digisom.storage.codec.pack_log_row).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIXED_ENTRY_BYTES = 80


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fixed_to_varints(row: bytes) -> bytes:
    if len(row) % FIXED_ENTRY_BYTES:
        raise ValueError("a balance log row of whole 80-byte entries")
    return b"".join(_varint(int.from_bytes(row[i : i + 16], "big")) for i in range(0, len(row), 16))


def _varints_to_fixed(row: bytes) -> bytes:
    out = bytearray()
    value = shift = 0
    for byte in row:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            out += value.to_bytes(16, "big")
            value = shift = 0
    return bytes(out)


def _rewrite(convert: Callable[[bytes], bytes]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT height, changes FROM balance_log")).fetchall()
    for height, changes in rows:
        bind.execute(
            sa.text("UPDATE balance_log SET changes = :changes WHERE height = :height"),
            {"changes": convert(bytes(changes)), "height": height},
        )


def upgrade() -> None:
    _rewrite(_fixed_to_varints)


def downgrade() -> None:
    _rewrite(_varints_to_fixed)
