"""outbox: index on a group's messages, so keeping a group's order does not walk the OA's history

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 11:50:00
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_group', 'outbox', ['oa_id', 'group_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_group', table_name='outbox')
