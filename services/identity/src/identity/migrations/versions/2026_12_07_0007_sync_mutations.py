"""Offline sync: the outcome of every mutation a device pushed, by (device, mutation id).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "identity"


def upgrade() -> None:
    op.create_table(
        "sync_mutations",
        sa.Column("device_id", sa.Uuid, nullable=False),
        sa.Column("mutation_id", sa.Uuid, nullable=False),
        sa.Column("clinic_id", sa.Uuid, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("outcome", JSONB),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("device_id", "mutation_id", name="pk_sync_mutations"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("sync_mutations", schema=S)
