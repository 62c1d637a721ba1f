"""The append-only fact table: one row per event the system has published."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Index, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base


class EventFact(Base):
    """An event as it arrived; rollups are derived from these and can be rebuilt."""

    __tablename__ = "event_facts"
    __table_args__ = (
        Index("ix_event_facts_clinic_occurred", "clinic_id", "occurred_at"),
        Index("ix_event_facts_occurred_at", "occurred_at", "event_id"),  # rebuild's order
    )

    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(Text)
    schema_version: Mapped[int] = mapped_column(Integer)
    clinic_id: Mapped[UUID | None]
    aggregate_id: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
