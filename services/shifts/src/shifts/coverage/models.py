"""The staffing a clinic wants: minimum hours per role and weekday."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import CheckConstraint, Numeric, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from shifts.db import Base


class CoverageMinimum(Base):
    """At least `hours` staffed hours of `role` on `weekday` (0 = Monday) at a clinic."""

    __tablename__ = "coverage_minimums"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("hours > 0 AND hours <= 24 * 50", name="hours"),
    )

    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(Text, primary_key=True)
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
