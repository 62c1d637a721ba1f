"""Appointment queries; the exclusion constraints, not checks, decide what overlaps.

The statements every booking runs (insert, history, lapsed holds) are plain SQL through the
driver (booking.driver_sql); the rest use the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.db import violated_constraint
from servicekit.intervals import Interval
from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import (
    ACTIVE,
    PATIENT_BUSY,
    PROVIDER_BUSY,
    ROOM_BUSY,
    Appointment,
)
from booking.driver_sql import fetch, fetch_one, run

CLASHES = {PROVIDER_BUSY: "provider", ROOM_BUSY: "room", PATIENT_BUSY: "patient"}


class Clash(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """A write would put two active appointments of one provider, room or patient at once."""

    def __init__(self, party: str) -> None:
        super().__init__(party)
        self.party = party


async def _guarded(session: AsyncSession, statement: Any) -> Any:
    """Run a write in a savepoint, so a refusal leaves the transaction usable."""
    try:
        async with session.begin_nested():
            return await session.execute(statement)
    except IntegrityError as exc:
        party = CLASHES.get(violated_constraint(exc) or "")
        if party is None:
            raise
        raise Clash(party) from exc


async def add(session: AsyncSession, values: dict[str, Any]) -> Appointment:
    """Insert an appointment or hold, the row as stored; Clash when its provider, room or
    patient is taken.

    `ON CONFLICT DO NOTHING` (which honours exclusion constraints) takes the slot without a
    savepoint; only when it inserts nothing is the plain insert retried in one, to learn
    from the violated constraint what clashed (or to take the slot freed meanwhile).
    """
    columns = ", ".join(values)  # the callers' own column names, never a request's
    places = ", ".join(f"${n}" for n in range(1, len(values) + 1))
    sql = f"INSERT INTO booking.appointments ({columns}) VALUES ({places})"  # noqa: S608
    row = await fetch_one(session, f"{sql} ON CONFLICT DO NOTHING RETURNING *", *values.values())
    if row is None:
        await _guarded(session, insert(Appointment).values(**values))
        row = await fetch_one(session, _BY_ID, values["id"])
        assert row is not None
    return _appointment(row)


_BY_ID = "SELECT * FROM booking.appointments WHERE id = $1"


def _appointment(row: Any) -> Appointment:
    """An Appointment (not attached to the session) holding a row read with plain SQL."""
    return Appointment(**dict(row))


async def change(session: AsyncSession, appointment_id: UUID, values: dict[str, Any]) -> None:
    """Update an appointment in one statement; Clash when the new time is taken."""
    statement = update(Appointment).where(Appointment.id == appointment_id).values(**values)
    await _guarded(session, statement.execution_options(synchronize_session=False))


async def get(
    session: AsyncSession, appointment_id: UUID, *, for_update: bool = False
) -> Appointment | None:
    """An appointment (or hold) by id, fresh from the database."""
    query = select(Appointment).where(Appointment.id == appointment_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query.execution_options(populate_existing=True))).first()


_RECORD = """
INSERT INTO booking.appointment_history (appointment_id, clinic_id, action, status, actor_id,
    details)
VALUES ($1, $2, $3, $4, $5, $6)
"""


async def record(
    session: AsyncSession,
    row: Appointment,
    action: str,
    *,
    actor_id: UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append to the appointment's history."""
    entry = (row.id, row.clinic_id, action, row.status, actor_id, json.dumps(details or {}))
    await run(session, _RECORD, *entry)


async def release_expired_holds(
    session: AsyncSession, *, overlapping: Interval | None = None, limit: int = 500
) -> list[Appointment]:
    """Delete lapsed holds (all, or those overlapping a range); the rows removed."""
    span = overlapping or (None, None)  # tstzrange(NULL, NULL) is unbounded: overlaps all
    rows = await fetch(session, _RELEASE_EXPIRED, *span, limit)
    return [_appointment(row) for row in rows]


_RELEASE_EXPIRED = """
DELETE FROM booking.appointments WHERE id IN (
    SELECT id FROM booking.appointments
    WHERE status = 'pending' AND hold_expires_at <= now()
        AND blocked && tstzrange($1::timestamptz, $2::timestamptz)
    LIMIT $3 FOR UPDATE SKIP LOCKED
)
RETURNING *
"""


async def clash_with(
    session: AsyncSession, party: str, values: dict[str, Any], *, ignore: UUID | None = None
) -> Appointment | None:
    """The active appointment a refused write ran into, if it is still there."""
    column = {
        "provider": Appointment.provider_id,
        "room": Appointment.room_id,
        "patient": Appointment.patient_id,
    }[party]
    overlap = Appointment.during if party == "patient" else Appointment.blocked
    span = (
        (values["starts_at"], values["ends_at"])
        if party == "patient"
        else (values["blocked_from"], values["blocked_until"])
    )
    query = select(Appointment).where(
        column == values[f"{party}_id"],
        Appointment.status.in_(ACTIVE),
        overlap.op("&&")(func.tstzrange(*span)),
    )
    if ignore is not None:
        query = query.where(Appointment.id != ignore)
    return (await session.scalars(query.order_by(Appointment.starts_at).limit(1))).first()


def listing(
    *,
    clinic_ids: Sequence[UUID] | None,
    patient_id: UUID | None,
    provider_id: UUID | None,
    statuses: Sequence[str],
    needs_reschedule: bool | None,
    start: datetime | None,
    end: datetime | None,
) -> Select[Appointment]:
    """Appointments matching the filters (holds only when asked for by status)."""
    query = select(Appointment).where(
        Appointment.status.in_(list(statuses)) if statuses else Appointment.status != "pending"
    )
    if clinic_ids is not None:
        query = query.where(Appointment.clinic_id.in_(list(clinic_ids)))
    if patient_id is not None:
        query = query.where(Appointment.patient_id == patient_id)
    if provider_id is not None:
        query = query.where(Appointment.provider_id == provider_id)
    if needs_reschedule is not None:
        query = query.where(Appointment.needs_reschedule.is_(needs_reschedule))
    if start is not None:
        query = query.where(Appointment.starts_at >= start)
    if end is not None:
        query = query.where(Appointment.starts_at < end)
    return query
