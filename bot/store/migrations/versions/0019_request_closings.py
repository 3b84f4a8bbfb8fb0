"""request_closings: the proof (photo, note) a request was closed with, and the resident's rating of it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'request_closings',
        sa.Column('id', Id, primary_key=True, autoincrement=True),
        sa.Column('oa_id', sa.String(64), nullable=False),
        sa.Column('request_id', Id, nullable=False),
        sa.Column('by_id', sa.String(64), nullable=False),
        sa.Column('by_name', sa.String(128), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),  # sealed
        sa.Column('photo_url', sa.Text(), nullable=True),
        sa.Column('photo', sa.LargeBinary(), nullable=True),
        sa.Column('photo_type', sa.String(64), nullable=True),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('rated_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_request_closings_request', 'request_closings', ['oa_id', 'request_id'])
    op.create_index('ix_request_closings_closed', 'request_closings', ['oa_id', 'closed_at'])


def downgrade() -> None:
    op.drop_index('ix_request_closings_closed', 'request_closings')
    op.drop_index('ix_request_closings_request', 'request_closings')
    op.drop_table('request_closings')
