"""The reads behind the notifications API: messages a caller may see, and their history."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from notify.access import Visibility
from notify.messages.models import Message, MessageEvent


def _visible(visibility: Visibility) -> ColumnElement[bool]:
    if visibility.everyone:
        return true()
    own = Message.patient_id == visibility.patient_id
    clinics = visibility.clinic_ids
    return or_(own, Message.clinic_id.in_(clinics)) if clinics else own


async def page_of_messages(
    session: AsyncSession,
    *,
    visibility: Visibility,
    appointment_id: UUID | None,
    patient_id: UUID | None,
    clinic_id: UUID | None,
    kinds: Sequence[str] | None,
    statuses: Sequence[str] | None,
    cursor: str | None,
    limit: int,
) -> Keyset[Message]:
    """Visible messages matching every filter given, newest first, a page at a time."""
    query = select(Message).where(_visible(visibility))
    for column, value in (
        (Message.appointment_id, appointment_id),
        (Message.patient_id, patient_id),
        (Message.clinic_id, clinic_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if kinds:
        query = query.where(Message.kind.in_(kinds))
    if statuses:
        query = query.where(Message.status.in_(statuses))
    return await keyset_page(
        session,
        query,
        order=(Message.created_at, Message.id),
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def get_visible(
    session: AsyncSession, *, message_id: UUID, visibility: Visibility
) -> Message | None:
    """The message, if the caller may see it."""
    return await session.scalar(
        select(Message).where(Message.id == message_id, _visible(visibility))
    )


async def history_of(session: AsyncSession, *, message_id: UUID) -> list[MessageEvent]:
    """The message's history, in the order it was written."""
    history = await session.scalars(
        select(MessageEvent)
        .where(MessageEvent.message_id == message_id)
        .order_by(MessageEvent.id)  # insertion order: `at` ties within a transaction
    )
    return list(history)
