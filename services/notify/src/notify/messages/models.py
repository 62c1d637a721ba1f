"""Messages: every confirmation, notice and reminder is a row here before it is sent.

The row is the schedule (`due_at`, as planned), the queue (`next_attempt_at`, claimed with
FOR UPDATE SKIP LOCKED) and the record (status, provider id, history). `uq_messages_once`
allows one message per (appointment, kind, nominal time), so a repeated event or a second
replica cannot double it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from notify.db import Base

PENDING = ("scheduled", "sending")
"""Statuses the dispatcher still has work for."""
ACCOUNT_KINDS = ("registration_attempt",)
"""Kinds about an account (no appointment or clinic): always built-in wording, no events."""
OFFLINE_CONFLICT_CANCELLED = "offline_conflict_cancelled"
"""The time given at a desk without network was taken, and staff gave up on it: worded from
the conflict (`projection.models.OfflineConflict`), not from the appointment."""
FINAL = ("sent", "delivered", "failed", "undelivered", "cancelled", "skipped")
_STATUSES = ", ".join(f"'{s}'" for s in (*PENDING, *FINAL))


def _first_attempt_when_due(context: DefaultExecutionContext) -> Any:
    """A new message is first tried when it is due (every insert, whoever plans it)."""
    return context.get_current_parameters()["due_at"]  # type: ignore[no-untyped-call]


class Message(Base):
    """One message to one patient about one appointment, or about their account."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("appointment_id", "kind", "nominal_at", name="uq_messages_once"),
        Index(
            "ix_messages_next_attempt",
            "next_attempt_at",
            postgresql_where=text("status IN ('scheduled', 'sending')"),
        ),
        Index("ix_messages_provider_id", "provider", "provider_message_id", unique=True),
        Index("ix_messages_patient", "patient_id", "created_at"),
        Index("ix_messages_appointment", "appointment_id"),
        CheckConstraint(f"status IN ({_STATUSES})", name="known_status"),
        # Account notices (ACCOUNT_KINDS) concern an account: no appointment, no clinic.
        CheckConstraint(
            "(appointment_id IS NULL) = (clinic_id IS NULL)",
            name="about_an_appointment_or_an_account",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    appointment_id: Mapped[UUID | None]
    clinic_id: Mapped[UUID | None]
    patient_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(Text)
    # The time the message is about (a reminder's offset time, a visit's start): its identity.
    nominal_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When it was planned to go (at once, or a reminder's time after quiet hours); never moved.
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the dispatcher takes it next: while scheduled, the planned time or a retry's;
    # while sending, when its lease lapses and the provider is asked whether it has it.
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_first_attempt_when_due
    )
    status: Mapped[str] = mapped_column(Text, server_default="scheduled")
    channel: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(Text)
    to_phone: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    error_code: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    # When the current attempt began: a provider is asked for messages since then.
    attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MessageEvent(Base):
    """One step of a message's history: scheduled, sent, delivered, failed, retried, ..."""

    __tablename__ = "message_events"
    __table_args__ = (
        # A provider's callback repeated for the same attempt is recorded once.
        UniqueConstraint("message_id", "attempt", "status", name="uq_message_events_once"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    message_id: Mapped[UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int]
    status: Mapped[str] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
