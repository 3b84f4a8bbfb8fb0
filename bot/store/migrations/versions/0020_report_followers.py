"""report_followers: residents who follow an open report of the same thing instead of filing their own

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'report_followers',
        sa.Column('id', Id, primary_key=True, autoincrement=True),
        sa.Column('oa_id', sa.String(64), nullable=False),
        sa.Column('request_id', Id, nullable=False),
        sa.Column('user_id', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('oa_id', 'request_id', 'user_id', name='uq_report_followers'),
    )


def downgrade() -> None:
    op.drop_table('report_followers')
