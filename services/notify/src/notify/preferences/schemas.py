"""Notification preference request and response bodies."""

from __future__ import annotations

from datetime import datetime

from clinic_contracts.notify import Channel
from pydantic import BaseModel, ConfigDict, Field

from notify.notifications.schemas import masked
from notify.projection.models import Contact


class Consent(BaseModel):
    """The channels the user agreed to, as kept by identity (change them there)."""

    sms: bool
    whatsapp: bool


class PreferencesUpdate(BaseModel):
    """Changes to the caller's choices; omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    preferred_channel: Channel | None = Field(
        default=None,
        description="Channel for your messages (you must also consent to it); null: the clinic's.",
    )
    reminders: bool | None = Field(default=None, description="Whether to get reminders.")
    opted_out: bool | None = Field(
        default=None, description="true: no messages at all; false: opt back in."
    )


class PreferencesRead(BaseModel):
    """The caller's own messaging choices, with what identity holds about their contact."""

    preferred_channel: Channel | None
    reminders: bool
    opted_out: bool
    opted_out_at: datetime | None
    phone: str | None = Field(description="All but the last 3 digits hidden.")
    language: str
    consent: Consent

    @classmethod
    def of(cls, contact: Contact) -> PreferencesRead:
        """The response body of a contact row."""
        return cls.model_validate(
            {
                "preferred_channel": contact.preferred_channel,
                "reminders": contact.reminders,
                "opted_out": contact.opted_out_at is not None,
                "opted_out_at": contact.opted_out_at,
                "phone": masked(contact.phone),
                "language": contact.language,
                "consent": {"sms": contact.consent_sms, "whatsapp": contact.consent_whatsapp},
            }
        )
