"""staff and audit

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:41:43.842968
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_member_email'), ['email'], unique=True)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('staff_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('target_staff_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['target_staff_id'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_staff_time', ['staff_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ticket_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ticket_expires_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_hash'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_staff_id'), ['staff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_staff_id'))

    op.drop_table('staff_session')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index('ix_audit_event_staff_time')

    op.drop_table('audit_event')
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_member_email'))

    op.drop_table('staff_member')
