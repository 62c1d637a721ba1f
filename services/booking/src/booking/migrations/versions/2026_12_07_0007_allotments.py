"""Offline allotments: time per provider and day that only the front desk may book.

The release lead time is stored per allotment as `releases_at` (its start less the lead the
admin chose, default BOOKING_ALLOTMENT_RELEASE_MINUTES): a later change of the default does
not move time already reserved. The service's role owns the schema, so no grants are needed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allotments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("releases_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "during",
            postgresql.TSTZRANGE(),
            sa.Computed("tstzrange(starts_at, ends_at)", persisted=True),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        postgresql.ExcludeConstraint(
            (sa.column("provider_id"), "="),
            (sa.column("during"), "&&"),
            using="gist",
            name="ex_allotments_provider_overlap",
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_allotments_ends_after_start")),
        sa.CheckConstraint(
            "releases_at <= starts_at", name=op.f("ck_allotments_released_before_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allotments")),
        schema="booking",
    )
    op.create_index(
        "ix_allotments_clinic_during",
        "allotments",
        ["clinic_id", "during"],
        unique=False,
        schema="booking",
        postgresql_using="gist",
    )


def downgrade() -> None:
    op.drop_index("ix_allotments_clinic_during", table_name="allotments", schema="booking")
    op.drop_table("allotments", schema="booking")
