"""members: registered name and phone (sealed, phone findable by keyed hash); named groups

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:17:52.521070
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('named_groups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('oa_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('oa_id', 'name_key', name='uq_named_groups')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_members_phone', ['oa_id', 'phone_fingerprint'], unique=False)
    # Groups so far existed only through their members: name each one as it was first written.
    op.execute("INSERT INTO named_groups (oa_id, name, name_key, created_at) "
               "SELECT oa_id, MIN(name), name_key, CURRENT_TIMESTAMP FROM member_groups GROUP BY oa_id, name_key")


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_phone')
        batch_op.drop_column('phone_fingerprint')
        batch_op.drop_column('phone')
        batch_op.drop_column('full_name')

    op.drop_table('named_groups')
