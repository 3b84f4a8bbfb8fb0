"""seal personal data at rest: encrypt what residents typed in events, outbox, conversations,
requests, request history, staff replies and pending notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 03:40:00
"""
import sqlalchemy as sa
from alembic import op

from bot.store.sealed import PREFIX, seal

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SEALED_COLUMNS = {
    "events": ["raw"], "outbox": ["payload"], "conversations": ["state"], "requests": ["answers"],
    "request_changes": ["old", "new"], "staff_replies": ["text"], "pending_notices": ["text"],
}


def _rewrite(convert) -> None:
    """Apply `convert` to every value of the sealed columns, row by row (ids first, so memory stays small)."""
    connection = op.get_bind()
    for table, columns in SEALED_COLUMNS.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        for (row_id,) in connection.execute(sa.text(f"SELECT id FROM {table} ORDER BY id")).all():
            values = connection.execute(sa.text(f"SELECT {quoted} FROM {table} WHERE id = :id"), {"id": row_id}).one()
            changes = {c: convert(v) for c, v in zip(columns, values) if v is not None and convert(v) != v}
            if changes:
                sets = ", ".join(f'"{c}" = :{c}' for c in changes)
                connection.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), {"id": row_id, **changes})


def upgrade() -> None:
    """Rows written before this version hold plain text: seal them in place."""
    _rewrite(lambda value: value if value.startswith(PREFIX) else seal(value))


def downgrade() -> None:
    """Back to plain text (needs the same DATA_KEY)."""
    from bot.store.sealed import unseal
    _rewrite(unseal)
