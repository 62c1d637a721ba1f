"""Appointment queries; the exclusion constraints, not checks, decide what overlaps.

The statements every booking runs (the clinic and type, lapsed holds, the insert with its
history entry and event) are plain SQL through the driver (booking.driver_sql); the rest use
the ORM.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict
from uuid import UUID

from asyncpg.exceptions import IntegrityConstraintViolationError
from clinic_contracts.envelope import Event
from servicekit.db import violated_constraint
from servicekit.intervals import Interval
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import Select, delete, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments.models import (
    ACTIVE,
    PATIENT_BUSY,
    PROVIDER_BUSY,
    ROOM_BUSY,
    Appointment,
)
from booking.db import outbox
from booking.driver_sql import fetch, fetch_one, run
from booking.projection.models import Clinic
from booking.types.models import AppointmentType

CLASHES = {PROVIDER_BUSY: "provider", ROOM_BUSY: "room", PATIENT_BUSY: "patient"}


class Clash(Exception):  # noqa: N818 - the database's verdict, turned into a 409 upstream
    """A write would put two active appointments of one provider, room or patient at once."""

    def __init__(self, party: str) -> None:
        super().__init__(party)
        self.party = party


@asynccontextmanager
async def _refusable(session: AsyncSession) -> AsyncIterator[None]:
    """Run writes in a savepoint, so a refusal leaves the transaction usable; Clash when one
    would overlap a provider's, room's or patient's active appointment."""
    try:
        async with session.begin_nested():
            # The savepoint is set when the session next uses its connection; plain SQL on
            # the driver does not, so it is asked for here.
            await session.connection()
            yield
    except (IntegrityError, IntegrityConstraintViolationError) as exc:
        party = CLASHES.get(violated_constraint(exc) or "")
        if party is None:
            raise
        raise Clash(party) from exc


@dataclass(frozen=True)
class Noted:
    """A history entry to write with the change it records."""

    action: str
    actor_id: UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Adding(TypedDict):
    """What `add` and `add_if_free` write, as their keyword arguments."""

    values: dict[str, Any]
    noted: Noted | None
    staged: Event | None


async def add(
    session: AsyncSession,
    *,
    values: dict[str, Any],
    noted: Noted | None = None,
    staged: Event | None = None,
) -> Appointment:
    """Insert an appointment or hold, with its history entry and its event if given; the row
    as stored; Clash when its provider, room or patient is taken.

    One statement: `ON CONFLICT DO NOTHING` (which honours exclusion constraints) takes the
    slot without a savepoint, and the entry and the event are written for the row it
    inserted. Only when it inserts nothing is the statement retried with a plain insert in a
    savepoint, to learn from the violated constraint what clashed (or to take the slot freed
    meanwhile, with its entry and event).
    """
    statement, args = _adding(values, noted, staged)
    row = await fetch_one(session, statement(" ON CONFLICT DO NOTHING"), *args)
    if row is None:
        async with _refusable(session):
            row = await fetch_one(session, statement(""), *args)
    return _appointment(row)


async def add_if_free(
    session: AsyncSession,
    *,
    values: dict[str, Any],
    noted: Noted | None = None,
    staged: Event | None = None,
) -> Appointment | None:
    """`add`'s first statement alone: the row as stored, or None when its provider, room or
    patient is taken (nothing is written then). Needs no transaction around it."""
    statement, args = _adding(values, noted, staged)
    row = await fetch_one(session, statement(" ON CONFLICT DO NOTHING"), *args)
    return None if row is None else _appointment(row)


def _adding(
    values: dict[str, Any], noted: Noted | None, staged: Event | None
) -> tuple[Callable[[str], str], list[Any]]:
    """The insert of `values` with its entry and event as CTEs, given its ON CONFLICT clause;
    and its arguments."""
    columns = ", ".join(values)  # the callers' own column names, never a request's
    places = ", ".join(f"${n}" for n in range(1, len(values) + 1))
    parts, args = [], list(values.values())
    if noted is not None:
        parts.append(f"noted AS ({_noted(len(args) + 1)})")
        args += [noted.action, noted.actor_id, json.dumps(noted.details)]
    if staged is not None:
        parts.append(f"staged AS ({outbox.staging('added', len(args) + 1)})")
        args += outbox.staging_args(staged)
    wake = f", {outbox.notify}" if staged is not None else ""

    def statement(on_conflict: str) -> str:
        added = (
            f"added AS (INSERT INTO booking.appointments ({columns})"  # noqa: S608
            f" VALUES ({places}){on_conflict} RETURNING *)"
        )
        return f"WITH {', '.join([added, *parts])} SELECT added.* FROM added{wake}"  # noqa: S608

    return statement, args


def _noted(first: int) -> str:
    """The history entry of the row `added` inserted: its action, actor and details (JSON
    text) from `$first` on."""
    return (
        "INSERT INTO booking.appointment_history"  # noqa: S608 (numbered places only)
        " (appointment_id, clinic_id, action, status, actor_id, details)"
        f" SELECT id, clinic_id, ${first}::text, status, ${first + 1}::uuid, ${first + 2}::jsonb"
        " FROM added"
    )


def _appointment(row: Any) -> Appointment:
    """An Appointment (not attached to the session) holding a row read with plain SQL."""
    return Appointment(**dict(row))


async def change(session: AsyncSession, *, appointment_id: UUID, values: dict[str, Any]) -> None:
    """Update an appointment in one statement; Clash when the new time is taken."""
    statement = update(Appointment).where(Appointment.id == appointment_id).values(**values)
    async with _refusable(session):
        await session.execute(statement.execution_options(synchronize_session=False))


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
    *,
    row: Appointment,
    action: str,
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


async def seconds_to_next_lapse(session: AsyncSession) -> float | None:
    """Seconds until the earliest pending hold lapses (negative once it has), by the database's
    clock, which decides lapses; None when no hold is pending."""
    # 'pending' in the SQL, not a parameter: even a generic plan then uses the partial index.
    pending = Appointment.status == literal("pending", literal_execute=True)
    lapses = func.min(Appointment.hold_expires_at) - func.now()
    query = select(func.extract("epoch", lapses)).where(pending)
    seconds = await session.scalar(query)
    return None if seconds is None else float(seconds)


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
    session: AsyncSession, *, party: str, values: dict[str, Any], ignore: UUID | None = None
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


@dataclass(frozen=True)
class Filters:
    """What a list of appointments is narrowed to; None leaves a filter out."""

    clinic_ids: Sequence[UUID] | None
    patient_id: UUID | None
    provider_id: UUID | None
    statuses: Sequence[str]
    needs_reschedule: bool | None
    start: datetime | None
    end: datetime | None


async def page(
    session: AsyncSession, *, filters: Filters, cursor: str | None, limit: int
) -> Keyset[Appointment]:
    """One page of the appointments matching `filters`, by start."""
    order = (Appointment.starts_at, Appointment.id)
    return await keyset_page(session, _listing(filters), order=order, cursor=cursor, limit=limit)


def _listing(filters: Filters) -> Select[Appointment]:
    """Appointments matching the filters (holds only when asked for by status)."""
    statuses = list(filters.statuses)
    query = select(Appointment).where(
        Appointment.status.in_(statuses) if statuses else Appointment.status != "pending"
    )
    if filters.clinic_ids is not None:
        query = query.where(Appointment.clinic_id.in_(list(filters.clinic_ids)))
    if filters.patient_id is not None:
        query = query.where(Appointment.patient_id == filters.patient_id)
    if filters.provider_id is not None:
        query = query.where(Appointment.provider_id == filters.provider_id)
    if filters.needs_reschedule is not None:
        query = query.where(Appointment.needs_reschedule.is_(filters.needs_reschedule))
    if filters.start is not None:
        query = query.where(Appointment.starts_at >= filters.start)
    if filters.end is not None:
        query = query.where(Appointment.starts_at < filters.end)
    return query


async def time_zones(session: AsyncSession, *, clinic_ids: set[UUID]) -> dict[UUID, str]:
    """The zone of each of the clinics (none asked, no query)."""
    if not clinic_ids:
        return {}
    query = select(Clinic.id, Clinic.time_zone).where(Clinic.id.in_(clinic_ids))
    return {clinic_id: time_zone for clinic_id, time_zone in await session.execute(query)}


async def get_type(session: AsyncSession, *, type_id: UUID) -> AppointmentType | None:
    """An appointment type by id (from the session when it is already loaded)."""
    return await session.get(AppointmentType, type_id)


async def type_name(session: AsyncSession, *, type_id: UUID) -> str:
    """The name of an appointment type, for events ("" should it be gone)."""
    kind = await session.get(AppointmentType, type_id)
    return kind.name if kind else ""


async def delete_hold(session: AsyncSession, *, hold_id: UUID) -> None:
    """Delete a hold; an appointment it has become stays."""
    await session.execute(
        delete(Appointment).where(Appointment.id == hold_id, Appointment.status == "pending")
    )


async def booked_overlapping(
    session: AsyncSession, *, provider_id: UUID, span: Interval
) -> list[tuple[Appointment, str, str]]:
    """The provider's booked visits blocking time in `span` not yet flagged, locked, each
    with its type's name and its clinic's zone."""
    query = (
        select(Appointment, AppointmentType.name, Clinic.time_zone)
        .join(AppointmentType, AppointmentType.id == Appointment.type_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .where(
            Appointment.provider_id == provider_id,
            Appointment.status == "booked",
            Appointment.needs_reschedule.is_(False),
            Appointment.blocked.op("&&")(func.tstzrange(*span)),
        )
        .with_for_update(of=Appointment)
    )
    return [(row, name, zone) for row, name, zone in await session.execute(query)]


async def flag_for_reschedule(
    session: AsyncSession, *, row: Appointment, reason: str, now: datetime
) -> None:
    """Mark a visit as needing a new time, for `reason`."""
    row.needs_reschedule, row.needs_reschedule_reason, row.updated_at = True, reason, now
    await session.flush()


_CLINIC = [column.name for column in Clinic.__table__.columns]
_TYPE = [column.name for column in AppointmentType.__table__.columns]
_COLUMNS = ", ".join([*(f"c.{name}" for name in _CLINIC), *(f"t.{name}" for name in _TYPE)])
# One row whatever exists: the clinic's columns, then the type's, NULL where it is missing.
# The names are the mapped tables' own, nothing from a request.
_CLINIC_AND_TYPE = (
    f"SELECT {_COLUMNS} FROM (SELECT) AS one"  # noqa: S608
    " LEFT JOIN booking.clinics AS c ON c.id = $1"
    " LEFT JOIN booking.appointment_types AS t ON t.id = $2"
)


async def clinic_and_type(
    session: AsyncSession, *, clinic_id: UUID, type_id: UUID
) -> tuple[Clinic | None, AppointmentType | None]:
    """The clinic and the type a hold or booking names, in one round trip (not attached to
    the session), each None when unknown."""
    row = await fetch_one(session, _CLINIC_AND_TYPE, clinic_id, type_id)
    assert row is not None
    values = tuple(row)
    clinic = dict(zip(_CLINIC, values[: len(_CLINIC)], strict=True))
    kind = dict(zip(_TYPE, values[len(_CLINIC) :], strict=True))
    return (
        Clinic(**clinic) if clinic["id"] is not None else None,
        AppointmentType(**kind) if kind["id"] is not None else None,
    )
