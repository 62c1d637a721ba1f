"""WhatsApp that fails falls back to SMS, where the clinic allows it and the patient consents."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.history import note
from notify.messages.models import Message
from notify.projection.models import Clinic, Contact


def sms_allowed(clinic: Clinic | None, contact: Contact | None) -> bool:
    """Whether an SMS may replace a failed WhatsApp message to this patient."""
    return (
        clinic is not None
        and clinic.fallback_to_sms
        and contact is not None
        and contact.consent_sms
        and contact.phone is not None
        and contact.opted_out_at is None
    )


async def fall_back_to_sms(session: AsyncSession, message: Message, code: str, detail: str) -> bool:
    """Queue the message again as SMS after a WhatsApp failure; False when it may not be."""
    if message.channel != "whatsapp" or message.clinic_id is None:
        return False  # account notices have no clinic to allow it
    clinic = await session.get(Clinic, message.clinic_id)
    contact = await session.get(Contact, message.patient_id)
    if not sms_allowed(clinic, contact):
        return False
    await note(session, message, "failed", error_code=code, detail=f"WhatsApp: {detail}"[:500])
    message.channel = "sms"
    message.status = "scheduled"
    message.next_attempt_at = message.updated_at = datetime.now(UTC)
    return True
