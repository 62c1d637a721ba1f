"""Waitlist queries: entries in the order they are served, and the moves of their status."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from uuid import UUID

from servicekit.pagination import Keyset, keyset_page
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking.projection.models import Clinic
from booking.types.models import AppointmentType
from booking.waitlist.models import BOOKED, CANCELLED, LAPSED, OFFERED, WAITING, WaitlistEntry


async def add(session: AsyncSession, *, entry: WaitlistEntry) -> WaitlistEntry:
    """Store a new entry; it as stored (with its defaults)."""
    session.add(entry)
    await session.flush()
    await session.refresh(entry)
    return entry


async def get(
    session: AsyncSession, *, entry_id: UUID, for_update: bool = False
) -> WaitlistEntry | None:
    """An entry by id, fresh from the database."""
    return await session.get(
        WaitlistEntry, entry_id, with_for_update=for_update, populate_existing=True
    )


async def page(
    session: AsyncSession,
    *,
    clinic_ids: Collection[UUID] | None,
    patient_id: UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Keyset[WaitlistEntry]:
    """One page of entries, in the order they are served."""
    query = select(WaitlistEntry)
    if clinic_ids is not None:
        query = query.where(WaitlistEntry.clinic_id.in_(clinic_ids))
    if patient_id is not None:
        query = query.where(WaitlistEntry.patient_id == patient_id)
    if status is not None:
        query = query.where(WaitlistEntry.status == status)
    order = (WaitlistEntry.created_at, WaitlistEntry.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


async def waiting_for(
    session: AsyncSession, *, clinic_id: UUID, provider_id: UUID, starts_at: datetime, limit: int
) -> list[WaitlistEntry]:
    """The first `limit` waiting entries a start with the provider suits, locked (others'
    locked ones skipped)."""
    query = (
        select(WaitlistEntry)
        .where(
            WaitlistEntry.clinic_id == clinic_id,
            WaitlistEntry.status == WAITING,
            WaitlistEntry.earliest <= starts_at,
            WaitlistEntry.latest > starts_at,
            (WaitlistEntry.provider_id.is_(None)) | (WaitlistEntry.provider_id == provider_id),
        )
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))


async def mark_offered(session: AsyncSession, *, entry: WaitlistEntry, hold_id: UUID) -> None:
    """The entry was offered the slot `hold_id` keeps."""
    entry.status, entry.hold_id = OFFERED, hold_id
    entry.offers_made += 1
    entry.updated_at = datetime.now(UTC)
    await session.flush()


async def mark_booked(session: AsyncSession, *, entry_id: UUID) -> None:
    """The patient took the offered slot."""
    await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id)
        .values(status=BOOKED, updated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )


async def mark_lapsed(session: AsyncSession, *, entry_ids: Collection[UUID]) -> list[UUID]:
    """Entries whose offer ran out, back to nobody's hold; those that were still offered."""
    lapsed = await session.scalars(
        update(WaitlistEntry)
        .where(WaitlistEntry.id.in_(list(entry_ids)), WaitlistEntry.status == OFFERED)
        .values(status=LAPSED, hold_id=None, updated_at=datetime.now(UTC))
        .returning(WaitlistEntry.id)
        .execution_options(synchronize_session=False)
    )
    return list(lapsed)


async def mark_cancelled(session: AsyncSession, *, entry: WaitlistEntry) -> None:
    """The patient left the waitlist."""
    entry.status, entry.hold_id, entry.updated_at = CANCELLED, None, datetime.now(UTC)
    await session.flush()


async def type_name_and_zone(session: AsyncSession, *, type_id: UUID) -> tuple[str, str]:
    """The name of an appointment type and the zone of its clinic, for an offer's event."""
    query = (
        select(AppointmentType.name, Clinic.time_zone)
        .join(Clinic, Clinic.id == AppointmentType.clinic_id)
        .where(AppointmentType.id == type_id)
    )
    name, time_zone = (await session.execute(query)).one()
    return name, time_zone
