"""announcement sign-ups, and a dashboard photo kept with its announcement

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

COLUMNS = (
    ('image_data', sa.LargeBinary()),
    ('image_type', sa.String(32)),
    ('image_attachment_id', sa.String(128)),
    ('image_uploaded_at', sa.DateTime()),
    ('signup_title', sa.Text()),
    ('event_at', sa.DateTime()),
    ('signup_limit', sa.Integer()),
    ('reminded_evening_at', sa.DateTime()),
    ('reminded_hour_at', sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table('announcements') as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        'signups',
        sa.Column('id', Id, primary_key=True, autoincrement=True),
        sa.Column('oa_id', sa.String(64), nullable=False),
        sa.Column('announcement_id', Id, nullable=False),
        sa.Column('user_id', sa.String(64), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('announcement_id', 'user_id', name='uq_signups_user'),
    )
    op.create_index('ix_signups_user', 'signups', ['oa_id', 'user_id'])


def downgrade() -> None:
    op.drop_index('ix_signups_user', 'signups')
    op.drop_table('signups')
    with op.batch_alter_table('announcements') as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
