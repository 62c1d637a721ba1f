"""Days a clinic is closed: public holidays and one-off closures; no shifts are worked then."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Date, DateTime, Text, func
from sqlalchemy.dialects.postgresql import DATERANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from shifts.db import Base

CLOSURE_OVERLAP = "ex_closures_clinic_no_overlap"


class Closure(Base):
    """Whole local days `first_day`..`last_day` a clinic is closed; closures never overlap."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="ordered"),
        CheckConstraint("kind IN ('public_holiday', 'closure')", name="kind"),
        ExcludeConstraint(("clinic_id", "="), ("days", "&&"), name=CLOSURE_OVERLAP, using="gist"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    days: Mapped[Any] = mapped_column(
        DATERANGE, Computed("daterange(first_day, last_day, '[]')", persisted=True)
    )
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    created_by: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
