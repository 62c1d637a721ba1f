"""Offline conflicts staff cancelled: the time a patient was given at a desk without network,
kept to word the message that tells them it is gone (booking's OfflineConflictResolved).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offline_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("type_name", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_conflicts")),
        schema="notify",
    )
    op.create_index(
        "ix_offline_conflicts_appointment",
        "offline_conflicts",
        ["appointment_id"],
        schema="notify",
    )


def downgrade() -> None:
    op.drop_index("ix_offline_conflicts_appointment", "offline_conflicts", schema="notify")
    op.drop_table("offline_conflicts", schema="notify")
