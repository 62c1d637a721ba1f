"""Notification settings routes: staff see how their clinic messages patients, admins change it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from notify.clinics import service
from notify.clinics.schemas import NotificationSettings, NotificationSettingsRead

router = APIRouter(
    prefix="/v1/clinics/{clinic_id}/notification-settings", tags=["notification settings"]
)


@router.get("", response_model=NotificationSettingsRead)
async def get_settings(
    clinic_id: UUID, session: SessionDep, caller: CurrentUser
) -> NotificationSettingsRead:
    """The clinic's provider, channel, reminders and quiet hours (its staff)."""
    return await service.get_settings(session, caller=caller, clinic_id=clinic_id)


@router.put("", response_model=NotificationSettingsRead)
async def put_settings(
    clinic_id: UUID, data: NotificationSettings, session: SessionDep, caller: CurrentUser
) -> NotificationSettingsRead:
    """Replace the clinic's messaging settings (its admins).

    New reminder offsets and quiet hours apply to messages planned from now on; those already
    planned keep their times.
    """
    return await service.replace_settings(session, caller=caller, clinic_id=clinic_id, data=data)
