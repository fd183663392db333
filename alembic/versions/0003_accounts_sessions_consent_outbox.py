"""accounts: sessions, consent records, email outbox; existing users get defaults

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:40:43.559039
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('auth_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ticket_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ticket_expires_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_hash'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_user_id'), ['user_id'], unique=False)

    op.create_table('consent_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('policy_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('terms_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('wording_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('wording', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_record_user_id'), ['user_id'], unique=False)

    op.create_table('email_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('text_body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('html_body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('provider_message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_message_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_message_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_provider', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default='local'))
        batch_op.add_column(sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('sectors', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('regions', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('email_verified_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp()))
        batch_op.add_column(sa.Column('updated_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp()))
        batch_op.create_index(batch_op.f('ix_user_account_external_id'), ['external_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_external_id'))
        batch_op.drop_column('updated_at')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('regions')
        batch_op.drop_column('sectors')
        batch_op.drop_column('external_id')
        batch_op.drop_column('auth_provider')

    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_message_user_id'))
        batch_op.drop_index(batch_op.f('ix_email_message_status'))

    op.drop_table('email_message')
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_record_user_id'))

    op.drop_table('consent_record')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_user_id'))

    op.drop_table('auth_session')
