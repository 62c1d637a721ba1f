"""Notification preference use cases: the caller's own channel, reminders and opt-out."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from servicekit.auth import Principal
from servicekit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from notify.preferences.schemas import PreferencesRead, PreferencesUpdate
from notify.projection import repository as projection
from notify.projection.models import Contact


async def get_preferences(session: AsyncSession, *, caller: Principal) -> PreferencesRead:
    """The caller's channel, reminders and opt-out, with their phone, language and consent."""
    return PreferencesRead.of(await _contact(session, caller.user_id))


async def update_preferences(
    session: AsyncSession, *, caller: Principal, data: PreferencesUpdate
) -> PreferencesRead:
    """Change the caller's choices; `opted_out: false` opts back in after a STOP."""
    contact = await _contact(session, caller.user_id, lock=True)
    if "preferred_channel" in data.model_fields_set:  # null is a choice: the clinic's channel
        contact.preferred_channel = data.preferred_channel
    if data.reminders is not None:
        contact.reminders = data.reminders
    if data.opted_out is not None and data.opted_out != (contact.opted_out_at is not None):
        # Keep the first opt-out's time: repeating it is no news.
        contact.opted_out_at = datetime.now(UTC) if data.opted_out else None
    await session.flush()
    return PreferencesRead.of(contact)


async def _contact(session: AsyncSession, user_id: UUID, *, lock: bool = False) -> Contact:
    contact = await projection.get_contact(session, user_id=user_id, lock=lock)
    if contact is None:
        raise NotFound("Notify does not know your contact details yet; try again shortly.")
    return contact
