"""Events published by the notify service: messages sent to patients and how they fared.

No phone number or message text travels here: consumers (reporting, a clinic's CRM) need
which appointment was told what, through which channel, and whether it arrived.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from clinic_contracts.envelope import Event

NOTIFY_TOPIC = "clinic.notify.v1"

MessageKind = Literal[
    "confirmation",
    "reminder",
    "rescheduled",
    "cancelled",
    "needs_reschedule",
    "waitlist_offer",
    "offline_conflict_cancelled",
]
Channel = Literal["sms", "whatsapp"]
Provider = Literal["twilio", "africastalking", "log"]


class _Notification(Event):
    topic = NOTIFY_TOPIC
    aggregate_field = "notification_id"

    notification_id: UUID = Field(
        description="Id of the message in notify.",
        examples=["1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"],
    )
    appointment_id: UUID = Field(
        description="Appointment the message is about (for a waitlist offer: the held slot).",
        examples=["4c2a9e7b-1d3f-4b6a-8c5e-9f0a1b2c3d4e"],
    )
    clinic_id: UUID = Field(
        description="Clinic of the appointment.", examples=["5d1c8f3e-7a2b-4c9d-8e6f-1a2b3c4d5e6f"]
    )
    patient_id: UUID = Field(
        description="Patient the message went to.",
        examples=["8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b"],
    )
    kind: MessageKind = Field(description="What the message says.", examples=["reminder"])
    channel: Channel = Field(description="Channel it went through.", examples=["sms"])
    provider: Provider = Field(description="Provider that carried it.", examples=["twilio"])


class NotificationSent(_Notification):
    """A provider accepted a message for delivery."""

    event_type = "NotificationSent"

    provider_message_id: str = Field(
        description="The provider's id of the message.",
        examples=["SM0123456789abcdef0123456789abcdef"],
    )
    attempt: int = Field(ge=1, description="Which attempt got it accepted.", examples=[1])


class NotificationDelivered(_Notification):
    """The provider reported the message delivered to the patient's phone."""

    event_type = "NotificationDelivered"

    delivered_at: AwareDatetime = Field(
        description="When the delivery report arrived.", examples=["2026-03-29T08:00:05Z"]
    )


class NotificationFailed(_Notification):
    """The message could not be delivered; nothing more will be tried for it."""

    event_type = "NotificationFailed"

    status: Literal["failed", "undelivered"] = Field(
        description="`failed`: never accepted or given up on; `undelivered`: the provider "
        "accepted it but could not hand it over.",
        examples=["failed"],
    )
    error_code: str = Field(
        description="Provider's error code, or notify's own (`no_phone`, `opted_out`, ...).",
        examples=["21211"],
    )
    error_detail: str = Field(
        description="What went wrong, in words.", examples=["The 'To' number is not valid."]
    )
