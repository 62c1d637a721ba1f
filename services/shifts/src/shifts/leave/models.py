"""Leave: time a staff member is away; approved leave is not bookable anywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, Index, Text, func
from sqlalchemy.dialects.postgresql import TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from shifts.db import Base

REQUESTED, APPROVED, REJECTED, CANCELLED = "requested", "approved", "rejected", "cancelled"
LEAVE_OVERLAP = "ex_leave_staff_no_overlap"


class Leave(Base):
    """A leave request and its decision; open requests and approved leave never overlap."""

    __tablename__ = "leave"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="positive"),
        CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'cancelled')", name="status"
        ),
        ExcludeConstraint(
            ("staff_id", "="),
            ("during", "&&"),
            name=LEAVE_OVERLAP,
            using="gist",
            where="status IN ('requested', 'approved')",
        ),
        Index("ix_leave_clinic", "clinic_id", "starts_at"),
        Index("ix_leave_staff_during", "staff_id", "during", postgresql_using="gist"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID]
    clinic_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )
    status: Mapped[str] = mapped_column(Text, server_default=REQUESTED)
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[UUID]
    decided_by: Mapped[UUID | None]
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[UUID | None]
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
