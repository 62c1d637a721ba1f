"""Sync reads and writes. Pull reads are plain SQL through the driver: a snapshot reads
thousands of rows and is the hot path of a reconnecting device.

Reads of the working set take `ids` (only these rows; NULL: all) and two windows: rows in
`window` and, when `old` is given, not in `old` (what a moved window brings in).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.intervals import Interval
from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from booking.driver_sql import fetch, fetch_one
from booking.sync.models import ClinicPatient, OfflineConflict, SyncMutation

NO_WINDOW: tuple[None, None] = (None, None)

# The pull's slim row: what a desk needs, with defaults (false, 'online') as NULL, which the
# pull leaves out; the device fills the AppointmentRead shape back in (docs/offline-sync.md).
# Ids as text: asyncpg's UUIDs cost twice as much to decode and then to encode as JSON.
_APPOINTMENTS = """
SELECT id::text, type_id::text, provider_id::text, patient_id::text, room_id::text, status,
    starts_at, ends_at, booked_by, NULLIF(walk_in, false) AS walk_in,
    NULLIF(overbooked, false) AS overbooked, overbook_reason, note, cancelled_at,
    cancelled_by_party, cancel_reason, NULLIF(needs_reschedule, false) AS needs_reschedule,
    needs_reschedule_reason, waitlist_entry_id::text, NULLIF(origin, 'online') AS origin,
    recorded_at
FROM booking.appointments
WHERE clinic_id = $1 AND status <> 'pending' AND starts_at >= $2 AND starts_at < $3
    AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
    AND ($5::timestamptz IS NULL OR NOT (starts_at >= $5 AND starts_at < $6))
ORDER BY starts_at, id
"""
_SHIFTS = """
SELECT shift_id AS id, staff_id, starts_at, ends_at, breaks FROM booking.shift_windows
WHERE clinic_id = $1 AND during && tstzrange($2, $3)
    AND ($4::uuid[] IS NULL OR shift_id = ANY($4::uuid[]))
    AND ($5::timestamptz IS NULL OR NOT during && tstzrange($5, $6))
ORDER BY starts_at, shift_id
"""
# Leave of anyone who works at the clinic; `$7`: staff whose leave is sent whole (new staff).
_LEAVE = """
SELECT leave_id AS id, staff_id, starts_at, ends_at FROM booking.leave_windows
WHERE staff_id IN (SELECT staff_id FROM booking.staff_roles WHERE clinic_id = $1)
    AND during && tstzrange($2, $3)
    AND (($4::uuid[] IS NULL OR leave_id = ANY($4::uuid[])) OR staff_id = ANY($7::uuid[]))
    AND ($5::timestamptz IS NULL OR NOT during && tstzrange($5, $6) OR staff_id = ANY($7::uuid[]))
ORDER BY starts_at, leave_id
"""
_TYPES = """
SELECT * FROM booking.appointment_types
WHERE clinic_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) ORDER BY name, id
"""
_ROOMS = """
SELECT id, clinic_id, name, active, created_at FROM booking.rooms
WHERE clinic_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) ORDER BY name, id
"""
_PROVIDERS = """
SELECT r.staff_id AS id, s.full_name, r.specialty
FROM booking.staff_roles AS r JOIN booking.staff AS s ON s.id = r.staff_id
WHERE r.clinic_id = $1 AND r.role = 'provider' AND s.active
    AND ($2::uuid[] IS NULL OR r.staff_id = ANY($2::uuid[]))
ORDER BY s.full_name, r.staff_id
"""
_PATIENTS = """
SELECT p.id, p.full_name, p.phone
FROM booking.clinic_patients AS c JOIN booking.patients AS p ON p.id = c.patient_id
WHERE c.clinic_id = $1 AND p.active AND ($2::uuid[] IS NULL OR p.id = ANY($2::uuid[]))
ORDER BY p.id
"""
_CHANGES = """
SELECT DISTINCT entity, entity_id FROM booking.sync_changes WHERE clinic_id = $1 AND txid >= $2
"""
# Every transaction below this id has ended: its changes are visible to this pull.
_HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
_PRUNE = text(
    "DELETE FROM booking.sync_changes WHERE seq IN (SELECT seq FROM booking.sync_changes"
    " WHERE changed_at < :before ORDER BY seq LIMIT :batch FOR UPDATE SKIP LOCKED)"
)


async def horizon(session: AsyncSession) -> int:
    """The oldest transaction still running (or the next one): the next pull's starting point."""
    row = await fetch_one(session, _HORIZON)
    assert row is not None
    return int(row[0])


async def changed_since(
    session: AsyncSession, *, clinic_id: UUID, txid: int
) -> dict[str, set[UUID]]:
    """Ids per entity of the clinic's rows written by transactions from `txid` on."""
    found: dict[str, set[UUID]] = defaultdict(set)
    for entity, entity_id in await fetch(session, _CHANGES, clinic_id, txid):
        found[entity].add(entity_id)
    return found


def _ids(ids: set[UUID] | None) -> list[UUID] | None:
    return None if ids is None else sorted(ids)


async def appointments(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    window: Interval,
    ids: set[UUID] | None = None,
    old: tuple[datetime | None, datetime | None] = NO_WINDOW,
) -> list[Any]:
    """The clinic's appointments (not holds) starting in `window`."""
    return await fetch(session, _APPOINTMENTS, clinic_id, *window, _ids(ids), *old)


async def shifts(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    window: Interval,
    ids: set[UUID] | None = None,
    old: tuple[datetime | None, datetime | None] = NO_WINDOW,
) -> list[Any]:
    """Shifts at the clinic overlapping `window`."""
    return await fetch(session, _SHIFTS, clinic_id, *window, _ids(ids), *old)


async def leave(
    session: AsyncSession,
    *,
    clinic_id: UUID,
    window: Interval,
    ids: set[UUID] | None = None,
    old: tuple[datetime | None, datetime | None] = NO_WINDOW,
    staff: set[UUID] | None = None,
) -> list[Any]:
    """Leave of the clinic's staff overlapping `window`."""
    return await fetch(session, _LEAVE, clinic_id, *window, _ids(ids), *old, sorted(staff or ()))


async def types(
    session: AsyncSession, *, clinic_id: UUID, ids: set[UUID] | None = None
) -> list[Any]:
    """The clinic's appointment types, inactive ones included."""
    return await fetch(session, _TYPES, clinic_id, _ids(ids))


async def rooms(
    session: AsyncSession, *, clinic_id: UUID, ids: set[UUID] | None = None
) -> list[Any]:
    """The clinic's rooms."""
    return await fetch(session, _ROOMS, clinic_id, _ids(ids))


async def providers(
    session: AsyncSession, *, clinic_id: UUID, ids: set[UUID] | None = None
) -> list[Any]:
    """The clinic's active providers with their specialty there."""
    return await fetch(session, _PROVIDERS, clinic_id, _ids(ids))


async def patients(
    session: AsyncSession, *, clinic_id: UUID, ids: set[UUID] | None = None
) -> list[Any]:
    """The clinic's patient directory (active accounts booking knows the name of)."""
    return await fetch(session, _PATIENTS, clinic_id, _ids(ids))


async def open_conflicts(session: AsyncSession, *, clinic_id: UUID) -> int:
    """How many conflicts of the clinic wait for staff."""
    query = select(func.count()).where(
        OfflineConflict.clinic_id == clinic_id, OfflineConflict.status == "open"
    )
    return int(await session.scalar(query) or 0)


async def outcome_of(
    session: AsyncSession, *, device_id: UUID, mutation_id: UUID
) -> SyncMutation | None:
    """The stored outcome of a mutation, if it was pushed before."""
    return await session.get(SyncMutation, (device_id, mutation_id))


async def outcomes_of(
    session: AsyncSession, *, device_id: UUID, mutation_ids: list[UUID]
) -> dict[UUID, SyncMutation]:
    """The stored outcomes of those of `mutation_ids` the device pushed before."""
    query = select(SyncMutation).where(
        SyncMutation.device_id == device_id, SyncMutation.mutation_id.in_(mutation_ids)
    )
    return {row.mutation_id: row for row in await session.scalars(query)} if mutation_ids else {}


async def failed_creations(
    session: AsyncSession, *, device_id: UUID, mutation_ids: list[UUID]
) -> dict[UUID, UUID]:
    """What the device's earlier, not applied mutations among `mutation_ids` were to create:
    {created id: mutation id}."""
    if not mutation_ids:
        return {}
    query = select(SyncMutation.creates, SyncMutation.mutation_id).where(
        SyncMutation.device_id == device_id,
        SyncMutation.mutation_id.in_(mutation_ids),
        SyncMutation.status != "applied",
        SyncMutation.creates.is_not(None),
    )
    rows = (await session.execute(query)).all()
    return {created: mutation for created, mutation in rows if created is not None}


async def store_outcome(session: AsyncSession, *, values: dict[str, Any]) -> None:
    """Keep a mutation's outcome (IntegrityError if the device pushed it meanwhile)."""
    await session.execute(insert(SyncMutation).values(**values))


async def add_to_directory(session: AsyncSession, *, clinic_id: UUID, patient_id: UUID) -> None:
    """Put a patient in the clinic's directory (a conflict names one who has no visit yet)."""
    statement = pg_insert(ClinicPatient).values(clinic_id=clinic_id, patient_id=patient_id)
    await session.execute(statement.on_conflict_do_nothing())


async def add_conflict(session: AsyncSession, *, conflict: OfflineConflict) -> None:
    """Put a conflict in its clinic's inbox."""
    session.add(conflict)
    await session.flush()


async def conflict_for_update(
    session: AsyncSession, *, conflict_id: UUID
) -> OfflineConflict | None:
    """A conflict by id, fresh from the database and locked until commit; None if unknown."""
    return await session.get(
        OfflineConflict, conflict_id, with_for_update=True, populate_existing=True
    )


async def conflicts_page(
    session: AsyncSession, *, clinic_id: UUID, status: str | None, cursor: str | None, limit: int
) -> Keyset[OfflineConflict]:
    """A page of the clinic's conflicts (in `status`, if given), oldest first."""
    query = select(OfflineConflict).where(OfflineConflict.clinic_id == clinic_id)
    if status is not None:
        query = query.where(OfflineConflict.status == status)
    order = (OfflineConflict.created_at, OfflineConflict.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def delete_changes_before(session: AsyncSession, *, before: datetime, batch: int) -> int:
    """Delete up to `batch` changes made before `before`, skipping locked ones; how many went."""
    result = await session.execute(_PRUNE, {"before": before, "batch": batch})
    return int(result.rowcount)  # type: ignore[attr-defined]
