"""Outcomes of pushed mutations, kept per (device, mutation id) so a replay changes nothing."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity.db import Base


class SyncMutation(Base):
    """A mutation a device pushed: what it said (as a hash) and how it ended."""

    __tablename__ = "sync_mutations"

    device_id: Mapped[UUID] = mapped_column(primary_key=True)
    mutation_id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID]
    content_hash: Mapped[str] = mapped_column(Text)
    # NULL only inside the claiming transaction, which a concurrent push waits for.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
