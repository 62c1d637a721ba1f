"""Notification settings use cases: how a clinic messages its patients, seen by its staff and
changed by its admins."""

from __future__ import annotations

from datetime import UTC, datetime, time
from uuid import UUID

from servicekit.auth import Principal
from sqlalchemy.ext.asyncio import AsyncSession

from notify.access import require_admin, require_staff
from notify.clinics.schemas import NotificationSettings, NotificationSettingsRead
from notify.projection.service import known_clinic


async def get_settings(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID
) -> NotificationSettingsRead:
    """The clinic's provider, channel, reminders and quiet hours (its staff)."""
    require_staff(caller, clinic_id)
    return NotificationSettingsRead.of(await known_clinic(session, clinic_id=clinic_id))


async def replace_settings(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, data: NotificationSettings
) -> NotificationSettingsRead:
    """Replace the clinic's messaging settings (its admins); planned messages keep their times."""
    require_admin(caller, clinic_id)
    clinic = await known_clinic(session, clinic_id=clinic_id, lock=True)
    clinic.provider = data.provider
    clinic.channel = data.channel
    clinic.fallback_to_sms = data.fallback_to_sms
    clinic.reminder_offsets = data.reminder_offsets
    clinic.quiet_from = _clock(data.quiet_from)
    clinic.quiet_until = _clock(data.quiet_until)
    clinic.updated_at = datetime.now(UTC)
    await session.flush()
    return NotificationSettingsRead.of(clinic)


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value is not None else None
