"""Notification preference routes: the caller's own channel, reminders and opt-out."""

from __future__ import annotations

from fastapi import APIRouter
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from notify.preferences import service
from notify.preferences.schemas import PreferencesRead, PreferencesUpdate

router = APIRouter(prefix="/v1/me/notification-preferences", tags=["notification preferences"])


@router.get("", response_model=PreferencesRead)
async def get_preferences(session: SessionDep, caller: CurrentUser) -> PreferencesRead:
    """The caller's channel, reminders and opt-out, with their phone, language and consent."""
    return await service.get_preferences(session, caller=caller)


@router.patch("", response_model=PreferencesRead)
async def update_preferences(
    data: PreferencesUpdate, session: SessionDep, caller: CurrentUser
) -> PreferencesRead:
    """Change the caller's choices; `opted_out: false` opts back in after a STOP."""
    return await service.update_preferences(session, caller=caller, data=data)
