"""requests: a phản ánh's channel is «to_chuyen» (the tổ forwards it), not «online» as it was stored

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:00:00
"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE requests SET channel = 'to_chuyen' WHERE kind = 'phan_anh' AND channel = 'online'")


def downgrade() -> None:
    op.execute("UPDATE requests SET channel = 'online' WHERE kind = 'phan_anh' AND channel = 'to_chuyen'")
