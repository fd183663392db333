"""billing

Orders (one per payment attempt), the subscription periods they pay for (one per order,
unique), invoices numbered without gaps per year, and the log of the gateway's callbacks.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 15:25:11.679357
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('gateway_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oid', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('received_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('proc_return_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('gateway_callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_callback_oid'), ['oid'], unique=False)

    op.create_table('invoice_sequence',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('billing_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oid', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('plan_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('billing_period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('amount_before_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('customer_ice', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('transaction_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by'], ['staff_member.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('oid')
    )
    with op.batch_alter_table('billing_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_order_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_order_user_id'), ['user_id'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('customer_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('customer_company', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('customer_ice', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('plan_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('period_start', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('period_end', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('amount_before_vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['billing_order.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('order_id')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_user_id'), ['user_id'], unique=False)

    op.create_table('subscription_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('plan_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('starts_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['billing_order.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id')
    )
    with op.batch_alter_table('subscription_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_period_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_period_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('subscription_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_period_user_id'))
        batch_op.drop_index(batch_op.f('ix_subscription_period_ends_at'))

    op.drop_table('subscription_period')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_user_id'))

    op.drop_table('invoice')
    with op.batch_alter_table('billing_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_order_user_id'))
        batch_op.drop_index(batch_op.f('ix_billing_order_status'))

    op.drop_table('billing_order')
    op.drop_table('invoice_sequence')
    with op.batch_alter_table('gateway_callback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_callback_oid'))

    op.drop_table('gateway_callback')
