"""data rights

Portability exports, erasure tombstones, requests to the DPO and their steps, and the
account's activity and closure times (retention of inactive accounts).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 12:31:19.546126
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erasure_tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('email_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('erased_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference'),
    sa.UniqueConstraint('subject_hash')
    )
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_tombstone_email_hash'), ['email_hash'], unique=False)

    op.create_table('data_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_export_user_id'), ['user_id'], unique=False)

    op.create_table('dpo_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('right', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('requester_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('requester_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('received_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verified_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('closed_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('registered_by', sa.Integer(), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registered_by'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('dpo_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpo_request_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_dpo_request_user_id'), ['user_id'], unique=False)

    op.create_table('dpo_request_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['dpo_request.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dpo_request_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpo_request_event_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_active_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('inactivity_warned_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('inactivity_warned_at')
        batch_op.drop_column('last_active_at')

    with op.batch_alter_table('dpo_request_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpo_request_event_request_id'))

    op.drop_table('dpo_request_event')
    with op.batch_alter_table('dpo_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpo_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_dpo_request_status'))

    op.drop_table('dpo_request')
    with op.batch_alter_table('data_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_export_user_id'))

    op.drop_table('data_export')
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_tombstone_email_hash'))

    op.drop_table('erasure_tombstone')
