"""Waitlist use cases: join, read, list, leave."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from servicekit.pagination import Page
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from servicekit.scopes import list_scope
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff
from booking.appointments import repository as appointments
from booking.projection.repository import get_clinic
from booking.types.service import visible_type
from booking.waitlist import repository
from booking.waitlist.models import OFFERED, WAITING, WaitlistEntry
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
    return WaitlistRead.model_validate(await repository.add(session, entry=row))


async def _visible(
    session: AsyncSession, caller: Principal, entry_id: UUID, *, for_update: bool = False
) -> WaitlistEntry:
    row = await repository.get(session, entry_id=entry_id, for_update=for_update)
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
    found = await repository.page(
        session,
        clinic_ids=scope.clinics,
        patient_id=caller.user_id if scope.own_only else None,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return Page[WaitlistRead](
        items=[WaitlistRead.model_validate(r) for r in found.items],
        next_cursor=found.next_cursor,
    )


async def leave(session: AsyncSession, *, caller: Principal, entry_id: UUID) -> WaitlistRead:
    """Take an entry off the waitlist; a slot held for it is freed."""
    row = await _visible(session, caller, entry_id, for_update=True)
    if row.status not in (WAITING, OFFERED):
        raise Conflict(f"This entry is already {row.status}.", slug="invalid-transition")
    if row.hold_id is not None:
        await appointments.delete_hold(session, hold_id=row.hold_id)
    await repository.mark_cancelled(session, entry=row)
    return WaitlistRead.model_validate(row)
