"""Offline sync: bookings by origin and offline conflicts.

`appointments.offline` and `daily_rollups.booked_offline` count bookings made on a front desk
device without network; `offline_conflicts` and `daily_conflicts` count the conflicts such
bookings ran into and how staff resolved them. Existing rows start at false / zero, which is
right: every event before offline sync was online, and there were no conflicts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFLICT_COUNTERS = (
    "conflicts_recorded",
    "conflicts_open",
    "conflicts_resolved_booked",
    "conflicts_resolved_waitlisted",
    "conflicts_resolved_cancelled",
)


def _counter(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def upgrade() -> None:
    op.add_column(
        "appointments",
        sa.Column("offline", sa.Boolean(), server_default="false", nullable=False),
        schema="reporting",
    )
    op.add_column("daily_rollups", _counter("booked_offline"), schema="reporting")
    op.create_table(
        "offline_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=True),
        sa.Column("type_id", sa.Uuid(), nullable=True),
        sa.Column("time_zone", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_conflicts")),
        schema="reporting",
    )
    op.create_table(
        "daily_conflicts",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("type_id", sa.Uuid(), nullable=False),
        *(_counter(name) for name in CONFLICT_COUNTERS),
        sa.PrimaryKeyConstraint("clinic_id", "day", "type_id", name=op.f("pk_daily_conflicts")),
        schema="reporting",
    )


def downgrade() -> None:
    op.drop_table("daily_conflicts", schema="reporting")
    op.drop_table("offline_conflicts", schema="reporting")
    op.drop_column("daily_rollups", "booked_offline", schema="reporting")
    op.drop_column("appointments", "offline", schema="reporting")
