"""Notification response bodies: a message as sent (or planned) and its status history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

from clinic_contracts.notify import Channel, MessageKind
from pydantic import BaseModel, ConfigDict, Field

from notify.messages.models import PENDING, Message, MessageEvent

AccountKind = Literal["registration_attempt"]
"""Account notices (notify's own; not on clinic.notify.v1): see messages/service.py."""
Kind = MessageKind | AccountKind
Status = Literal[
    "scheduled", "sending", "sent", "delivered", "failed", "undelivered", "cancelled", "skipped"
]
SHOWN_DIGITS = 3


def masked(phone: str | None) -> str | None:
    """A phone number with all but its last digits hidden: +*********678."""
    if phone is None:
        return None
    hidden = len(phone) - SHOWN_DIGITS
    return "".join(c if i >= hidden or not c.isdigit() else "*" for i, c in enumerate(phone))


class NotificationRead(BaseModel):
    """One message to one patient about one appointment, or about their account."""

    id: UUID
    appointment_id: UUID | None = Field(description="Null for account notices.")
    clinic_id: UUID | None = Field(description="Null for account notices.")
    patient_id: UUID
    kind: Kind
    channel: Channel | None = Field(description="Null until the message is first sent.")
    provider: str | None = Field(description="twilio, africastalking or log; null until sent.")
    status: Status
    due_at: datetime = Field(
        description="When it was planned to go: at once, or a reminder's time moved out of "
        "quiet hours. It never moves, so it is never after `sent_at`."
    )
    next_attempt_at: datetime | None = Field(
        description="While `scheduled`: when it will be tried (`due_at`, or later after a "
        "failed attempt). While `sending`: when the provider will be asked about it if no "
        "answer is recorded by then. Null once it has gone or will not go."
    )
    attempted_at: datetime | None = Field(description="When the latest attempt began.")
    sent_at: datetime | None
    attempts: int
    error_code: str | None
    error_detail: str | None
    provider_message_id: str | None
    to: str | None = Field(description="The phone it went to, all but the last 3 digits hidden.")
    body: str | None = Field(description="The text as sent; null until it is.")

    @classmethod
    def of(cls, row: Message) -> NotificationRead:
        """The response body of a message row."""
        fields = {n: getattr(row, n) for n in NotificationRead.model_fields.keys() - {"to"}}
        if row.status not in PENDING:
            fields["next_attempt_at"] = None  # the dispatcher is done with it
        return cls.model_validate(fields | {"to": masked(row.to_phone)})


class HistoryEntry(BaseModel):
    """One step of a message's history, e.g. sent, delivered, or failed with a code."""

    model_config = ConfigDict(from_attributes=True)

    status: str
    attempt: int
    channel: Channel | None
    error_code: str | None
    detail: str | None
    at: datetime


class NotificationDetail(NotificationRead):
    """A message with its history, oldest step first."""

    history: list[HistoryEntry]

    @classmethod
    def with_history(cls, row: Message, history: Sequence[MessageEvent]) -> NotificationDetail:
        """The response body of a message row and its history rows."""
        return cls.model_validate(
            NotificationRead.of(row).model_dump()
            | {"history": [HistoryEntry.model_validate(step) for step in history]}
        )
