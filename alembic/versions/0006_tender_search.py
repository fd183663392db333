"""tender search: normalized token columns, SQLite FTS5 / PostgreSQL GIN full-text indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 08:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oktra.tenders.searchtext import index_text

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE tender_fts USING fts5("
    "search_title, search_other, content='tender', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER tender_fts_insert AFTER INSERT ON tender BEGIN "
    "INSERT INTO tender_fts(rowid, search_title, search_other) "
    "VALUES (new.id, new.search_title, new.search_other); END",
    "CREATE TRIGGER tender_fts_delete AFTER DELETE ON tender BEGIN "
    "INSERT INTO tender_fts(tender_fts, rowid, search_title, search_other) "
    "VALUES ('delete', old.id, old.search_title, old.search_other); END",
    "CREATE TRIGGER tender_fts_update AFTER UPDATE OF search_title, search_other ON tender BEGIN "
    "INSERT INTO tender_fts(tender_fts, rowid, search_title, search_other) "
    "VALUES ('delete', old.id, old.search_title, old.search_other); "
    "INSERT INTO tender_fts(rowid, search_title, search_other) "
    "VALUES (new.id, new.search_title, new.search_other); END",
)
POSTGRESQL_FTS = (
    "CREATE INDEX ix_tender_search_title ON tender "
    "USING gin (to_tsvector('simple'::regconfig, search_title))",
    "CREATE INDEX ix_tender_search_other ON tender "
    "USING gin (to_tsvector('simple'::regconfig, search_other))",
)


def _backfill() -> None:
    bind = op.get_bind()
    tender = sa.table(
        'tender',
        sa.column('id', sa.Integer),
        sa.column('title', sa.Text),
        sa.column('reference', sa.String),
        sa.column('buyer_id', sa.Integer),
        sa.column('search_title', sa.Text),
        sa.column('search_other', sa.Text),
    )
    buyer = sa.table('tender_buyer', sa.column('id', sa.Integer), sa.column('name', sa.String))
    rows = bind.execute(
        sa.select(tender.c.id, tender.c.title, tender.c.reference, buyer.c.name).join(
            buyer, buyer.c.id == tender.c.buyer_id
        )
    ).all()
    updates = [
        {
            'tender_id': row.id,
            'title_tokens': index_text(row.title),
            'other_tokens': index_text(f'{row.name} {row.reference}'),
        }
        for row in rows
    ]
    if updates:
        bind.execute(
            tender.update()
            .where(tender.c.id == sa.bindparam('tender_id'))
            .values(
                search_title=sa.bindparam('title_tokens'),
                search_other=sa.bindparam('other_tokens'),
            ),
            updates,
        )


def upgrade() -> None:
    op.create_table('tender_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute('INSERT INTO tender_revision (id, revision) VALUES (1, 0)')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_title', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('search_other', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_tender_updated_at', ['updated_at'], unique=False)
    _backfill()
    statements = SQLITE_FTS if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL_FTS
    for statement in statements:
        op.execute(statement)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("INSERT INTO tender_fts(tender_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('tender_fts_insert', 'tender_fts_delete', 'tender_fts_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.execute('DROP TABLE IF EXISTS tender_fts')
    else:
        op.execute('DROP INDEX IF EXISTS ix_tender_search_title')
        op.execute('DROP INDEX IF EXISTS ix_tender_search_other')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_index('ix_tender_updated_at')
        batch_op.drop_column('search_other')
        batch_op.drop_column('search_title')
    op.drop_table('tender_revision')
