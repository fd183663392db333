"""suspended accounts and staff devices

A customer account suspended by the back office (`user_account.disabled_at`) and the keyed hash
of the browser a staff session was opened from (`staff_session.device_hash`, for the "new
device" anomaly rule). Issue: back office and monitoring.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 17:30:35.496671
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import oktra.core.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "device_hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled_at", oktra.core.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_column("device_hash")
