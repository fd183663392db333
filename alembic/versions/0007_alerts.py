"""alerts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 08:47:25.912571
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_match_cursor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_updated_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('feed_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('paused_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pause_reason', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed_token_hash')
    )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_user_id'), ['user_id'], unique=False)

    op.create_table('alert_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('matched_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_search.id'], ),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('saved_search_id', 'tender_id', name='uq_alert_match')
    )
    with op.batch_alter_table('alert_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_match_saved_search_id'), ['saved_search_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_match_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_match_user_id'), ['user_id'], unique=False)

    op.create_table('followed_tender',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'tender_id', name='uq_followed_tender')
    )
    with op.batch_alter_table('followed_tender', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followed_tender_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followed_tender_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('followed_tender', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followed_tender_user_id'))
        batch_op.drop_index(batch_op.f('ix_followed_tender_tender_id'))

    op.drop_table('followed_tender')
    with op.batch_alter_table('alert_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_match_user_id'))
        batch_op.drop_index(batch_op.f('ix_alert_match_tender_id'))
        batch_op.drop_index(batch_op.f('ix_alert_match_saved_search_id'))

    op.drop_table('alert_match')
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_user_id'))

    op.drop_table('saved_search')
    op.drop_table('alert_match_cursor')
