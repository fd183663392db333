"""alert delivery

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 11:11:23.051248

The delivery ledger (alert_delivery), the suppression list, and the outbox's headers
(List-Unsubscribe) and provider confirmation time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('email_suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('address')
    )
    with op.batch_alter_table('email_suppression', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_suppression_user_id'), ['user_id'], unique=False)

    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=True),
    sa.Column('email_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'tender_id', 'event', name='uq_alert_delivery')
    )
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_delivery_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_saved_search_id'), ['saved_search_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_delivery_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('confirmed_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('headers')

    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_delivery_user_id'))
        batch_op.drop_index(batch_op.f('ix_alert_delivery_tender_id'))
        batch_op.drop_index(batch_op.f('ix_alert_delivery_saved_search_id'))
        batch_op.drop_index(batch_op.f('ix_alert_delivery_created_at'))

    op.drop_table('alert_delivery')
    with op.batch_alter_table('email_suppression', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_suppression_user_id'))

    op.drop_table('email_suppression')
