"""anomalies

Incidents raised by the detection rules over security and audit events (issue: back office
and monitoring).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 16:32:08.327682
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('anomaly',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('first_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('notified_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['staff_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('anomaly', schema=None) as batch_op:
        batch_op.create_index('ix_anomaly_rule_subject_status', ['rule', 'subject', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_anomaly_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('anomaly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anomaly_status'))
        batch_op.drop_index('ix_anomaly_rule_subject_status')

    op.drop_table('anomaly')
