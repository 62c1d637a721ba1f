"""Notification settings request and response bodies."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal
from uuid import UUID

from clinic_contracts.notify import Channel
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from notify.projection.models import Clinic

ProviderName = Literal["twilio", "africastalking", "log"]
Offset = Annotated[int, Field(ge=10, le=20160, description="Minutes before the visit.")]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["21:00"])]


def hh_mm(value: time | None) -> str | None:
    """A time of day written HH:MM."""
    return value.strftime("%H:%M") if value is not None else None


class NotificationSettings(BaseModel):
    """How a clinic's patients are messaged; every field is set (a PUT replaces them all)."""

    model_config = ConfigDict(extra="forbid")

    provider: ProviderName | None = Field(
        description="Who carries the clinic's messages; null: the service's default."
    )
    channel: Channel = Field(description="Channel for patients who have not chosen one.")
    fallback_to_sms: bool = Field(
        description="Send an SMS when WhatsApp fails and the patient consents to SMS."
    )
    reminder_offsets: list[Offset] = Field(
        min_length=1,
        max_length=5,
        examples=[[1440, 120]],
        description="Minutes before a visit that reminders go out (10 minutes to 14 days).",
    )
    quiet_from: ClockTime | None = Field(
        description="Local time from which no message goes out (until `quiet_until`); "
        "both or neither."
    )
    quiet_until: ClockTime | None = Field(examples=["07:00"])

    @field_validator("reminder_offsets")
    @classmethod
    def _distinct(cls, offsets: list[int]) -> list[int]:
        if len(set(offsets)) != len(offsets):
            raise ValueError("reminder offsets must differ")
        return sorted(offsets, reverse=True)

    @model_validator(mode="after")
    def _quiet_window(self) -> NotificationSettings:
        if (self.quiet_from is None) != (self.quiet_until is None):
            raise ValueError("give both quiet_from and quiet_until, or neither")
        if self.quiet_from is not None and self.quiet_from == self.quiet_until:
            raise ValueError("quiet_from and quiet_until must differ")
        return self


class NotificationSettingsRead(NotificationSettings):
    """A clinic's messaging settings."""

    clinic_id: UUID
    updated_at: datetime

    @classmethod
    def of(cls, clinic: Clinic) -> NotificationSettingsRead:
        """The response body of a clinic row."""
        return cls.model_validate(
            {
                "clinic_id": clinic.id,
                "provider": clinic.provider,
                "channel": clinic.channel,
                "fallback_to_sms": clinic.fallback_to_sms,
                "reminder_offsets": list(clinic.reminder_offsets),
                "quiet_from": hh_mm(clinic.quiet_from),
                "quiet_until": hh_mm(clinic.quiet_until),
                "updated_at": clinic.updated_at,
            }
        )
