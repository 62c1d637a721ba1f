"""Waitlist use cases: join, read, list, leave."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from servicekit.scopes import list_scope
from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff
from booking.appointments.models import Appointment
from booking.projection.repository import get_clinic
from booking.types.service import visible_type
from booking.waitlist.models import CANCELLED, OFFERED, WAITING, WaitlistEntry
from booking.waitlist.schemas import WaitlistJoin, WaitlistRead


async def join(session: AsyncSession, *, caller: Principal, data: WaitlistJoin) -> WaitlistRead:
    """Put a patient on the waitlist; they are offered freed slots in the order they joined."""
    clinic = await get_clinic(session, data.clinic_id)
    kind = await visible_type(session, caller, data.type_id)
    if kind.clinic_id != clinic.id or not kind.active:
        raise NotFound(f"Clinic {clinic.id} has no bookable type {kind.id}.")
    if data.latest <= datetime.now(UTC):
        raise Problem("The window has already passed.", status=422, slug="window-passed")
    if is_staff(caller, clinic.id):
        if data.patient_id is None:
            raise Problem(
                "Staff must name the patient (`patient_id`).", status=422, slug="patient-required"
            )
        patient = data.patient_id
    else:
        if data.patient_id not in (None, caller.user_id):
            raise Forbidden("Patients join the waitlist for themselves only.")
        if not BookingPolicy.model_validate(clinic.booking_policy).patient_self_booking:
            raise Forbidden("This clinic books appointments through its staff only.")
        patient = caller.user_id
    row = WaitlistEntry(
        id=uuid.uuid4(),
        patient_id=patient,
        created_by=caller.user_id,
        **data.model_dump(exclude={"patient_id"}),
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return WaitlistRead.model_validate(row)


async def _visible(
    session: AsyncSession, caller: Principal, entry_id: UUID, *, for_update: bool = False
) -> WaitlistEntry:
    row = await session.get(
        WaitlistEntry, entry_id, with_for_update=for_update, populate_existing=True
    )
    if row is None or not (row.patient_id == caller.user_id or is_staff(caller, row.clinic_id)):
        raise NotFound(f"No waitlist entry has id {entry_id}.")
    return row


async def get(session: AsyncSession, *, caller: Principal, entry_id: UUID) -> WaitlistRead:
    """One entry."""
    return WaitlistRead.model_validate(await _visible(session, caller, entry_id))


async def list_entries(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> Page[WaitlistRead]:
    """Entries in the order they are served: the caller's clinics' (staff) or their own.

    403 for a clinic the caller does not work at (unless a patient, for their own entries).
    """
    scope = list_scope(caller, clinic_id, what="waitlist")
    query = select(WaitlistEntry)
    if scope.clinics is not None:
        query = query.where(WaitlistEntry.clinic_id.in_(scope.clinics))
    if scope.own_only:
        query = query.where(WaitlistEntry.patient_id == caller.user_id)
    if status is not None:
        query = query.where(WaitlistEntry.status == status)
    if cursor:
        after = decode_keyset(cursor, instant, UUID)
        query = query.where(tuple_(WaitlistEntry.created_at, WaitlistEntry.id) > tuple_(*after))
    order = (WaitlistEntry.created_at, WaitlistEntry.id)
    rows = list(await session.scalars(query.order_by(*order).limit(limit + 1)))
    page = rows[:limit]
    next_cursor = (
        encode_cursor(page[-1].created_at.isoformat(), page[-1].id) if len(rows) > limit else None
    )
    return Page[WaitlistRead](
        items=[WaitlistRead.model_validate(r) for r in page], next_cursor=next_cursor
    )


async def leave(session: AsyncSession, *, caller: Principal, entry_id: UUID) -> WaitlistRead:
    """Take an entry off the waitlist; a slot held for it is freed."""
    row = await _visible(session, caller, entry_id, for_update=True)
    if row.status not in (WAITING, OFFERED):
        raise Conflict(f"This entry is already {row.status}.", slug="invalid-transition")
    if row.hold_id is not None:
        await session.execute(
            delete(Appointment).where(
                Appointment.id == row.hold_id, Appointment.status == "pending"
            )
        )
    row.status, row.hold_id, row.updated_at = CANCELLED, None, datetime.now(UTC)
    await session.flush()
    return WaitlistRead.model_validate(row)
