"""Notification settings routes: staff see how their clinic messages patients, admins change it."""

from __future__ import annotations

from datetime import UTC, datetime, time
from uuid import UUID

from fastapi import APIRouter
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from notify.access import known_clinic, require_admin, require_staff
from notify.clinics.schemas import NotificationSettings, NotificationSettingsRead

router = APIRouter(
    prefix="/v1/clinics/{clinic_id}/notification-settings", tags=["notification settings"]
)


@router.get("", response_model=NotificationSettingsRead)
async def get_settings(
    clinic_id: UUID, session: SessionDep, caller: CurrentUser
) -> NotificationSettingsRead:
    """The clinic's provider, channel, reminders and quiet hours (its staff)."""
    require_staff(caller, clinic_id)
    return NotificationSettingsRead.of(await known_clinic(session, clinic_id))


@router.put("", response_model=NotificationSettingsRead)
async def put_settings(
    clinic_id: UUID, data: NotificationSettings, session: SessionDep, caller: CurrentUser
) -> NotificationSettingsRead:
    """Replace the clinic's messaging settings (its admins).

    New reminder offsets and quiet hours apply to messages planned from now on; those already
    planned keep their times.
    """
    require_admin(caller, clinic_id)
    clinic = await known_clinic(session, clinic_id, lock=True)
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
