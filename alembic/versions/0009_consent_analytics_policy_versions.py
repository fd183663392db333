"""consent analytics policy versions

Visitors' consent records, anonymous analytics (events, daily salts), published policy versions,
their acknowledgements, and announcements sent to every user through the outbox.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 11:42:27.689728
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('session_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('ip_prefix', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_event_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_event_session_hash'), ['session_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_event_visitor_hash'), ['visitor_hash'], unique=False)

    op.create_table('analytics_salt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day')
    )
    op.create_table('policy_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('published_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('substantial', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('rendered', sa.JSON(), nullable=False),
    sa.Column('reconsent', sa.JSON(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document', 'version', name='uq_policy_version')
    )
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('queued_through', sa.Integer(), nullable=False),
    sa.Column('queued', sa.Integer(), nullable=False),
    sa.Column('finished_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('policy_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_version.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'policy_version_id', name='uq_policy_acknowledgement')
    )
    with op.batch_alter_table('policy_acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_acknowledgement_policy_version_id'), ['policy_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_acknowledgement_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_consent_record_visitor_hash'), ['visitor_hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_record_visitor_hash'))
        batch_op.drop_column('visitor_hash')

    with op.batch_alter_table('policy_acknowledgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_acknowledgement_user_id'))
        batch_op.drop_index(batch_op.f('ix_policy_acknowledgement_policy_version_id'))

    op.drop_table('policy_acknowledgement')
    op.drop_table('announcement')
    op.drop_table('policy_version')
    op.drop_table('analytics_salt')
    with op.batch_alter_table('analytics_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_event_visitor_hash'))
        batch_op.drop_index(batch_op.f('ix_analytics_event_session_hash'))
        batch_op.drop_index(batch_op.f('ix_analytics_event_created_at'))

    op.drop_table('analytics_event')
