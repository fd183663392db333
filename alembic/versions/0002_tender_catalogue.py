"""tender catalogue: buyers, tenders, their history, imported files

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:35:35.665815
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('tender_buyer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tender_buyer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_buyer_name_key'), ['name_key'], unique=True)
    op.create_table('tender_imported_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('imported_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tender_imported_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_imported_file_digest'), ['digest'], unique=True)
    op.create_table('tender',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('title_original', sa.Text(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('procedure', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('taxonomy_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('place_of_execution', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('estimate', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('guarantee', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('reserved_sme', sa.Boolean(), nullable=True),
    sa.Column('qualifications', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('published_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('site_visit_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('meeting_at', oktra.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lots', sa.JSON(), nullable=False),
    sa.Column('documents_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('award_company', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('award_amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('bids_count', sa.Integer(), nullable=True),
    sa.Column('generated_fields', sa.JSON(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_id'], ['tender_buyer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'source_id', name='uq_tender_source_id')
    )
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index('ix_tender_region_deadline', ['region', 'deadline_at'], unique=False)
        batch_op.create_index('ix_tender_status_published', ['status', 'published_at'], unique=False)
    op.create_table('tender_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('changed_at', oktra.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tender_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_change_tender_id'), ['tender_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tender_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_change_tender_id'))
    op.drop_table('tender_change')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_index('ix_tender_status_published')
        batch_op.drop_index('ix_tender_region_deadline')
        batch_op.drop_index(batch_op.f('ix_tender_buyer_id'))
    op.drop_table('tender')
    with op.batch_alter_table('tender_imported_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_imported_file_digest'))
    op.drop_table('tender_imported_file')
    with op.batch_alter_table('tender_buyer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_buyer_name_key'))
    op.drop_table('tender_buyer')
