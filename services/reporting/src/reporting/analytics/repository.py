"""Every SQL statement of the analytics store: projection rows, rollup upserts, the gauge's read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Date, cast, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.analytics.models import (
    Appointment,
    Clinic,
    DailyConflicts,
    DailyRollup,
    DailyShiftMinutes,
    OfflineConflict,
    Reminder,
    Shift,
)
from reporting.analytics.rules import ConflictKey, Counters, RollupKey, ShiftKey

ROLLUP_KEY = ("clinic_id", "day", "provider_id", "type_id")
SHIFT_KEY = ("clinic_id", "day", "provider_id")
CONFLICT_KEY = ("clinic_id", "day", "type_id")
DERIVED = (
    Clinic,
    Appointment,
    Reminder,
    Shift,
    OfflineConflict,
    DailyRollup,
    DailyShiftMinutes,
    DailyConflicts,
)
"""Every table rebuilt from the facts."""

Row = TypeVar("Row", Appointment, OfflineConflict, Shift)


async def keep_clinic(
    session: AsyncSession, *, clinic_id: UUID, name: str, time_zone: str, as_of: datetime
) -> None:
    """Store a clinic's name and zone unless a newer description is already kept."""
    values = {"name": name, "time_zone": time_zone, "as_of": as_of}
    statement = insert(Clinic).values(id=clinic_id, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_=values, where=Clinic.as_of <= statement.excluded.as_of
        )
    )


async def locked_appointment(session: AsyncSession, *, appointment_id: UUID) -> Appointment:
    """The appointment's projection row, created empty if absent, locked for this transaction."""
    return await _locked(session, Appointment, appointment_id)


async def locked_conflict(session: AsyncSession, *, conflict_id: UUID) -> OfflineConflict:
    """The offline conflict's projection row, created empty if absent, locked."""
    return await _locked(session, OfflineConflict, conflict_id)


async def locked_shift(session: AsyncSession, *, shift_id: UUID) -> Shift:
    """The shift's projection row, created empty if absent, locked."""
    return await _locked(session, Shift, shift_id)


async def _locked(session: AsyncSession, model: type[Row], row_id: UUID) -> Row:
    # The insert makes the row exist, so FOR UPDATE serialises events about the same row
    # that come in on different partitions (notify's and booking's about one appointment).
    await session.execute(insert(model).values(id=row_id).on_conflict_do_nothing())
    return await session.get_one(model, row_id, with_for_update=True, populate_existing=True)


async def record_reminder(
    session: AsyncSession, *, notification_id: UUID, appointment_id: UUID, delivered: bool
) -> None:
    """Note a reminder as attempted, and delivered if it was."""
    statement = insert(Reminder).values(
        notification_id=notification_id,
        appointment_id=appointment_id,
        attempted=True,
        delivered=delivered,
    )
    # Flags only ever turn on, so the order the three events come in does not matter.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["notification_id"],
            set_={"delivered": Reminder.delivered | statement.excluded.delivered},
        )
    )


async def reminder_counts(session: AsyncSession, *, appointment_id: UUID) -> tuple[int, int]:
    """How many reminders of the appointment were attempted, and how many delivered."""
    counts = await session.execute(
        select(func.count(), func.count().filter(Reminder.delivered)).where(
            Reminder.appointment_id == appointment_id, Reminder.attempted
        )
    )
    attempted, delivered = counts.one()
    return attempted, delivered


async def add_to_rollups(session: AsyncSession, *, changes: Mapping[RollupKey, Counters]) -> None:
    """Add each key's counter changes to its daily rollup row (created at zero if absent)."""
    await _add(session, DailyRollup, ROLLUP_KEY, changes)


async def add_to_shift_minutes(
    session: AsyncSession, *, changes: Mapping[ShiftKey, Counters]
) -> None:
    """Add minutes changes to the providers' daily shift minutes."""
    await _add(session, DailyShiftMinutes, SHIFT_KEY, changes)


async def add_to_conflicts(
    session: AsyncSession, *, changes: Mapping[ConflictKey, Counters]
) -> None:
    """Add conflict counter changes to the clinics' daily conflict rows."""
    await _add(session, DailyConflicts, CONFLICT_KEY, changes)


async def _add(
    session: AsyncSession,
    model: type[Any],
    key_names: tuple[str, ...],
    changes: Mapping[Any, Counters],
) -> None:
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    for key in sorted(changes):
        counters = changes[key]
        statement = insert(model).values(**dict(zip(key_names, key, strict=True)), **counters)
        table = model.__table__
        increments = {name: table.c[name] + statement.excluded[name] for name in counters}
        await session.execute(
            statement.on_conflict_do_update(index_elements=list(key_names), set_=increments)
        )


async def empty_derived_tables(session: AsyncSession) -> None:
    """Empty every derived table; TRUNCATE's lock makes live consumers wait for the rebuild."""
    tables = ", ".join(f"{m.__table__.schema}.{m.__tablename__}" for m in DERIVED)
    await session.execute(text(f"TRUNCATE {tables}"))


async def utilisation_today(session: AsyncSession) -> dict[UUID, float]:
    """Each clinic's utilisation on its current local day (0 when nobody is rostered)."""
    today = cast(func.timezone(Clinic.time_zone, func.now()), Date)
    booked = (
        select(func.coalesce(func.sum(DailyRollup.booked_minutes), 0))
        .where(DailyRollup.clinic_id == Clinic.id, DailyRollup.day == today)
        .scalar_subquery()
    )
    rostered = (
        select(func.coalesce(func.sum(DailyShiftMinutes.minutes), 0))
        .where(DailyShiftMinutes.clinic_id == Clinic.id, DailyShiftMinutes.day == today)
        .scalar_subquery()
    )
    rows = await session.execute(select(Clinic.id, booked, rostered))
    return {clinic: (b / r if r else 0.0) for clinic, b, r in rows}
