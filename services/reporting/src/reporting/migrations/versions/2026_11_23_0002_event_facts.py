"""Append-only fact table of events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_facts",
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("clinic_id", sa.Uuid, nullable=True),
        sa.Column("aggregate_id", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("payload", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_event_facts"),
        schema="reporting",
    )
    op.create_index("ix_event_facts_clinic_occurred", "event_facts",
                    ["clinic_id", "occurred_at"], schema="reporting")


def downgrade() -> None:
    op.drop_table("event_facts", schema="reporting")
