"""Every SQL statement on messages and their history: planning, the dispatcher's queue, reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import PENDING, Message, MessageEvent

# Written into the SQL rather than sent as parameters, so that even a cached generic plan of
# the prepared statement can use the partial index on pending rows (bench/notify_claim_plan.py).
_PENDING = Message.status.in_(bindparam("pending", PENDING, expanding=True, literal_execute=True))
DISPATCH_CHANNEL = "notify_dispatch"
"""Where a message that is newly due (or due sooner) is announced: every dispatcher listens."""
_WAKE_DISPATCHERS = func.pg_notify(DISPATCH_CHANNEL, "")


def claim_query(now: datetime, batch: int) -> Select[Message]:
    """The rows a round takes: those whose next attempt has come, the longest waiting first."""
    return (
        select(Message)
        .where(_PENDING, Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def next_attempt_query() -> Select[datetime]:
    """When the dispatcher has something to do next."""
    return select(func.min(Message.next_attempt_at)).where(_PENDING)


async def claim_due(session: AsyncSession, *, now: datetime, batch: int) -> Sequence[Message]:
    """Lock up to `batch` messages whose next attempt has come, skipping rows others hold."""
    return (await session.scalars(claim_query(now, batch))).all()


async def next_attempt_at(session: AsyncSession) -> datetime | None:
    """The earliest next attempt of any pending message."""
    return await session.scalar(next_attempt_query())


async def wake_dispatchers(session: AsyncSession) -> None:
    """Wake every dispatcher at commit: a message is due sooner than it was."""
    await session.execute(select(_WAKE_DISPATCHERS))


async def add(
    session: AsyncSession,
    *,
    appointment_id: uuid.UUID | None,
    clinic_id: uuid.UUID | None,
    patient_id: uuid.UUID,
    kind: str,
    nominal_at: datetime,
    due_at: datetime,
) -> bool:
    """Plan a message with its first history entry, unless the same (appointment, kind, nominal
    time) is planned already; whether it was added."""
    planned = await session.execute(
        insert(Message)
        .values(
            id=uuid.uuid4(),
            appointment_id=appointment_id,
            clinic_id=clinic_id,
            patient_id=patient_id,
            kind=kind,
            nominal_at=nominal_at,
            due_at=due_at,
        )
        .on_conflict_do_nothing(constraint="uq_messages_once")
        # Evaluated for an inserted row only, and delivered at commit: every dispatcher wakes to
        # a new message at no extra round trip, and to a duplicate or a rollback not at all.
        .returning(Message.id, _WAKE_DISPATCHERS)
    )
    if (message_id := planned.scalar()) is None:
        return False
    await session.execute(
        insert(MessageEvent).values(message_id=message_id, attempt=0, status="scheduled")
    )
    return True


async def planned_since(
    session: AsyncSession, *, patient_id: uuid.UUID, kind: str, since: datetime
) -> bool:
    """Whether the patient has a message of this kind about a time after `since`."""
    recent = exists().where(
        Message.patient_id == patient_id, Message.kind == kind, Message.nominal_at > since
    )
    return bool(await session.scalar(select(recent)))


async def withdraw(
    session: AsyncSession, *, appointment_id: uuid.UUID, kinds: Sequence[str], at: datetime
) -> None:
    """Cancel the appointment's messages of these kinds that have not gone out yet."""
    await session.execute(
        update(Message)
        .where(
            Message.appointment_id == appointment_id,
            Message.kind.in_(kinds),
            Message.status == "scheduled",
        )
        .values(status="cancelled", updated_at=at)
    )


async def add_history(
    session: AsyncSession,
    message: Message,
    status: str,
    *,
    error_code: str | None = None,
    detail: str | None = None,
) -> bool:
    """Add a history entry for the current attempt; False if it was there already (a replay)."""
    inserted = await session.execute(
        insert(MessageEvent)
        .values(
            message_id=message.id,
            attempt=message.attempts,
            status=status,
            channel=message.channel,
            error_code=error_code,
            detail=detail,
        )
        .on_conflict_do_nothing(constraint="uq_message_events_once")
        .returning(MessageEvent.id)
    )
    return inserted.first() is not None


async def get_locked(session: AsyncSession, *, message_id: uuid.UUID) -> Message | None:
    """The message, locked until commit."""
    return await session.get(Message, message_id, with_for_update=True)


async def find_locked(
    session: AsyncSession, *, provider: str, provider_message_id: str
) -> Message | None:
    """The message the provider knows by this id, locked until commit."""
    query = select(Message).where(
        Message.provider == provider, Message.provider_message_id == provider_message_id
    )
    return await session.scalar(query.with_for_update())


async def holder_of(
    session: AsyncSession, *, provider: str, provider_message_id: str
) -> uuid.UUID | None:
    """The message that holds the provider's id, if any."""
    return await session.scalar(
        select(Message.id).where(
            Message.provider == provider, Message.provider_message_id == provider_message_id
        )
    )
