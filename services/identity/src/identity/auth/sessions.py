"""Ended sessions are announced, so that every service refuses their access tokens at once."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from clinic_contracts.identity import SessionEnd, SessionRevoked
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db import outbox
from identity.users import repository as users


async def announce_ended(
    session: AsyncSession, *, user_id: UUID, families: Iterable[UUID], reason: SessionEnd
) -> None:
    """Stage SessionRevoked for each session (refresh-token family) that ended."""
    ended = sorted(set(families))
    if not ended:
        return
    at = await users.database_now(session)
    events = [
        SessionRevoked(user_id=user_id, session_id=family, reason=reason, revoked_at=at)
        for family in ended
    ]
    await outbox.stage_many(session, events)
