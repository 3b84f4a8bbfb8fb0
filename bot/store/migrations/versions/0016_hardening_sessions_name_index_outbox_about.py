"""hardening (issue 21): dashboard sessions that can be revoked, login throttling per client address
with a note of when leaders were told, the person an outbox message is about (so erasure finds the
copies sent to staff), Zalo display names sealed, and a keyed-hash index of name words

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

from bot.store.sealed import PREFIX, seal

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_sessions',
        sa.Column('token_hash', sa.String(64), primary_key=True),
        sa.Column('oa_id', sa.String(64), nullable=False),
        sa.Column('zalo_id', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_staff_sessions_staff', 'staff_sessions', ['oa_id', 'zalo_id'])
    with op.batch_alter_table('login_throttle') as batch:
        batch.add_column(sa.Column('last_failed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('told_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('about_user_id', sa.String(64), nullable=True))
    op.create_index('ix_outbox_about', 'outbox', ['oa_id', 'about_user_id'])
    op.create_table(
        'name_words',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('oa_id', sa.String(64), nullable=False),
        sa.Column('word_hash', sa.String(64), nullable=False),
        sa.Column('user_id', sa.String(64), nullable=False),
        sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    )
    op.create_index('ix_name_words_word', 'name_words', ['oa_id', 'word_hash'])
    op.create_index('ix_name_words_user', 'name_words', ['oa_id', 'user_id'])
    with op.batch_alter_table('members') as batch:
        batch.alter_column('display_name', type_=sa.Text(), existing_type=sa.String(255), existing_nullable=True)
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, display_name FROM members WHERE display_name IS NOT NULL "
                                      "AND display_name <> ''")).all()
    for row_id, name in rows:
        if not name.startswith(PREFIX):
            connection.execute(sa.text("UPDATE members SET display_name = :name WHERE id = :id"),
                               {"name": seal(name), "id": row_id})
    # name_words is filled by the store on start (bot.store.name_index.rebuild_if_empty): it needs
    # the normalisation the bot uses, which a migration should not import.


def downgrade() -> None:
    from bot.store.sealed import unseal
    connection = op.get_bind()
    for row_id, name in connection.execute(sa.text("SELECT id, display_name FROM members "
                                                   "WHERE display_name IS NOT NULL")).all():
        connection.execute(sa.text("UPDATE members SET display_name = :name WHERE id = :id"),
                           {"name": (unseal(name) or "")[:255], "id": row_id})
    with op.batch_alter_table('members') as batch:
        batch.alter_column('display_name', type_=sa.String(255), existing_type=sa.Text(), existing_nullable=True)
    op.drop_index('ix_name_words_user', 'name_words')
    op.drop_index('ix_name_words_word', 'name_words')
    op.drop_table('name_words')
    op.drop_index('ix_outbox_about', 'outbox')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('about_user_id')
    with op.batch_alter_table('login_throttle') as batch:
        batch.drop_column('told_at')
        batch.drop_column('last_failed_at')
    op.drop_index('ix_staff_sessions_staff', 'staff_sessions')
    op.drop_table('staff_sessions')
