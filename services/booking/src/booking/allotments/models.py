"""The allotments table: one provider's reserved time never overlaps itself (a constraint)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, Index, func
from sqlalchemy.dialects.postgresql import TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import Computed

from booking.db import Base

ALLOTMENT_OVERLAP = "ex_allotments_provider_overlap"


class Allotment(Base):
    """Time of a provider at a clinic that only the front desk may book before `releases_at`."""

    __tablename__ = "allotments"
    __table_args__ = (
        ExcludeConstraint(
            ("provider_id", "="), ("during", "&&"), name=ALLOTMENT_OVERLAP, using="gist"
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("releases_at <= starts_at", name="released_before_start"),
        Index("ix_allotments_clinic_during", "clinic_id", "during", postgresql_using="gist"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    provider_id: Mapped[UUID]
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    releases_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    during: Mapped[Any] = mapped_column(
        TSTZRANGE, Computed("tstzrange(starts_at, ends_at)", persisted=True)
    )
    created_by: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
