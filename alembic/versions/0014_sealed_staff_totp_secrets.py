"""sealed staff TOTP secrets

`staff_member.totp_secret` holds the TOTP secret sealed with AES-256-GCM under a key derived
from OKTRA_SECRET_KEY (HKDF, label "staff-totp-secret"), bound to the member's id, instead of
the base32 secret in clear (ASVS 2.8.2, docs/keys.md). Upgrade seals every row, downgrade opens
them again; both read the secret key from the settings, so run them with the production key.
The label and the associated data repeat oktra/admin/staff_auth.py's on purpose: a migration
does not follow later code.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from oktra.core.security import SEALED_PREFIX, derived_key, seal, unseal
from oktra.settings import load_settings

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURPOSE = "staff-totp-secret"
STAFF = sa.table(
    "staff_member", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String)
)


def _key() -> bytes:
    # Read afresh, not get_settings(): a migration must not fill the process-wide cache.
    return derived_key(load_settings().secret_key.get_secret_value(), PURPOSE)


def _context(staff_id: int) -> str:
    return f"staff_member.totp_secret:{staff_id}"


def _rewrite(sealing: bool) -> None:
    connection = op.get_bind()
    key = _key()
    for staff_id, stored in connection.execute(sa.select(STAFF.c.id, STAFF.c.totp_secret)):
        if stored.startswith(SEALED_PREFIX) == sealing:
            continue
        value = (
            seal(stored, key=key, context=_context(staff_id))
            if sealing
            else unseal(stored, key=key, context=_context(staff_id))
        )
        connection.execute(
            sa.update(STAFF).where(STAFF.c.id == staff_id).values(totp_secret=value)
        )


def upgrade() -> None:
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
            type_=sqlmodel.sql.sqltypes.AutoString(length=200),
            existing_nullable=False,
        )
    _rewrite(sealing=True)


def downgrade() -> None:
    _rewrite(sealing=False)
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            type_=sqlmodel.sql.sqltypes.AutoString(length=64),
            existing_nullable=False,
        )
