"""Audit event table: append-only (database triggers refuse UPDATE, DELETE and TRUNCATE)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, Identity, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from identity.db import Base


class AuditEvent(Base):
    """One entry of the hash chain; `hash` seals its content, `seq` and `prev_hash`."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor_id_seq", "actor_id", "seq"),
        Index("ix_audit_events_subject_id_seq", "subject_id", "seq"),
        Index("ix_audit_events_clinic_id_seq", "clinic_id", "seq"),
        Index("ix_audit_events_action_seq", "action", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[UUID | None]
    subject_id: Mapped[UUID | None]
    clinic_id: Mapped[UUID | None]
    client_address: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)
    prev_hash: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(Text)
