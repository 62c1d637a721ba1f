"""Slot search: the free start times of a type at a clinic, per provider or any provider."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby, islice
from operator import itemgetter
from uuid import UUID
from zoneinfo import ZoneInfo

from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from servicekit.intervals import Interval
from servicekit.localtime import local_day, zone
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Forbidden, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_front_desk, is_staff
from booking.appointments.repository import clinic_and_type
from booking.projection.models import Clinic
from booking.projection.repository import known_clinic
from booking.slots import repository
from booking.slots.repository import Roster
from booking.slots.rules import (
    Reserved,
    Visit,
    clear_of,
    free_starts,
    held,
    offered_time,
    open_time,
)
from booking.slots.schemas import Slot, SlotProvider
from booking.types.models import AppointmentType
from booking.types.service import visible

MAX_SPAN = timedelta(days=31)


def visit_of(kind: AppointmentType) -> Visit:
    """The time an appointment of this type takes."""
    return Visit(
        duration=timedelta(minutes=kind.duration_minutes),
        buffer_before=timedelta(minutes=kind.buffer_before_minutes),
        buffer_after=timedelta(minutes=kind.buffer_after_minutes),
        step=timedelta(minutes=kind.step_minutes),
    )


def bookable_window(
    kind: AppointmentType, policy: BookingPolicy, time_zone: str, now: datetime, *, staff: bool
) -> tuple[datetime, datetime]:
    """Earliest and latest start: notice and horizon apply to patients, not to staff."""
    if staff:
        return now, datetime.max.replace(tzinfo=UTC)
    notice = (
        kind.min_notice_minutes
        if kind.min_notice_minutes is not None
        else policy.min_notice_minutes
    )
    days = kind.max_days_ahead if kind.max_days_ahead is not None else policy.max_advance_days
    last_day = local_day(now, zone(time_zone)) + timedelta(days=days + 1)
    latest = datetime.combine(last_day, datetime.min.time(), zone(time_zone)).astimezone(UTC)
    return now + timedelta(minutes=notice), latest - timedelta(microseconds=1)


async def search(
    session: AsyncSession,
    *,
    caller: Principal | None,
    clinic_id: UUID,
    type_id: UUID,
    provider_id: UUID | None,
    start: datetime | None,
    end: datetime | None,
    cursor: str | None,
    limit: int,
    reserved: Reserved = Reserved.EXCLUDE,
) -> Page[Slot]:
    """Free starts in [start, end) (default: the next 7 days), earliest first."""
    now = datetime.now(UTC)
    start = max(start or now, decode_keyset(cursor, instant)[0] if cursor else now)
    end = end or start + timedelta(days=7)
    if not timedelta() < end - start <= MAX_SPAN:
        raise Problem("`to` must be after `from`, at most 31 days later.", slug="bad-range")
    kind, clinic, policy = await _searchable(session, caller, clinic_id, type_id, reserved)
    staff = is_staff(caller, clinic_id)
    earliest, latest = bookable_window(kind, policy, clinic.time_zone, now, staff=staff)
    window = (max(start, earliest), min(end - timedelta(microseconds=1), latest))
    names, slots = await free_slots(
        session, clinic_id, kind, window, provider_id, clinic.time_zone, reserved
    )
    first = list(islice(slots, limit + 1))  # a page and the next start: no need for the rest
    return _page(first, limit, visit_of(kind), zone(clinic.time_zone), names)


async def _searchable(
    session: AsyncSession,
    caller: Principal | None,
    clinic_id: UUID,
    type_id: UUID,
    reserved: Reserved,
) -> tuple[AppointmentType, Clinic, BookingPolicy]:
    """The type, its clinic and the clinic's policy, if the caller may search them so."""
    found, named = await clinic_and_type(session, clinic_id=clinic_id, type_id=type_id)
    kind = visible(named, caller, type_id)
    if kind.clinic_id != clinic_id or not kind.active:
        raise NotFound(f"Clinic {clinic_id} has no bookable type {type_id}.")
    clinic = known_clinic(found, clinic_id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    if not is_staff(caller, clinic_id) and not policy.patient_self_booking:
        raise Forbidden("This clinic books appointments through its staff only.")
    if reserved is not Reserved.EXCLUDE and not is_front_desk(caller, clinic_id):
        raise Forbidden("Only the clinic's front desk sees its reserved time.")
    return kind, clinic, policy


def _page(
    first: list[tuple[datetime, list[UUID]]],
    limit: int,
    visit: Visit,
    tz: ZoneInfo,
    names: dict[UUID, str],
) -> Page[Slot]:
    """A page of the first starts (one more than `limit` means another page follows)."""
    items = [
        Slot(
            starts_at=at.astimezone(tz),
            ends_at=(at + visit.duration).astimezone(tz),
            providers=[SlotProvider(id=p, name=names.get(p)) for p in sorted(free)],
        )
        for at, free in first[:limit]
    ]
    after = first[limit][0] if len(first) > limit else None
    return Page[Slot](items=items, next_cursor=encode_cursor(after.isoformat()) if after else None)


async def free_slots(
    session: AsyncSession,
    clinic_id: UUID,
    kind: AppointmentType,
    window: tuple[datetime, datetime],
    only: UUID | None,
    time_zone: str,
    reserved: Reserved = Reserved.EXCLUDE,
) -> tuple[dict[UUID, str], Iterator[tuple[datetime, list[UUID]]]]:
    """The type's providers at the clinic (or just `only`) by id with their names, and the free
    starts in `window` (first and last allowed start), earliest first, each with the providers
    free then; reserved time not yet released as `reserved` says.

    The database is read at once; the starts are worked out as they are taken, so a page of
    them costs only its own share of the window.
    """
    names, per_provider = await _starts_by_provider(
        session, clinic_id, kind, window, only, time_zone, reserved
    )
    # Each provider's starts come earliest first; merged, equal starts fall together.
    merged = heapq.merge(*(_tagged(p, starts) for p, starts in per_provider.items()))
    return names, ((at, [p for _, p in free]) for at, free in groupby(merged, key=itemgetter(0)))


def _tagged(provider: UUID, starts: Iterator[datetime]) -> Iterator[tuple[datetime, UUID]]:
    return ((at, provider) for at in starts)


def opened(their: Roster) -> list[Interval]:
    """A provider's open time: shifts less breaks and leave."""
    shifts = their.shifts
    return open_time([s for s, _ in shifts], [b for _, bs in shifts for b in bs], their.leave)


async def reserved_starts(
    session: AsyncSession, clinic: Clinic, kinds: Iterable[AppointmentType], window: Interval
) -> list[tuple[UUID, UUID, list[datetime]]]:
    """(type, provider, starts) of free starts wholly inside reserved time not yet released,
    for a device to book first while offline; `window` is [first, last] allowed start.

    The same rules as a front desk search with `reserved=only`; the pull sends these.
    """
    found: list[tuple[UUID, UUID, list[datetime]]] = []
    for kind in kinds:
        if not kind.active:
            continue
        _, per_provider = await _starts_by_provider(
            session, clinic.id, kind, window, None, clinic.time_zone, Reserved.ONLY
        )
        found += [
            (kind.id, p, starts) for p, it in sorted(per_provider.items()) if (starts := list(it))
        ]
    return found


async def _starts_by_provider(
    session: AsyncSession,
    clinic_id: UUID,
    kind: AppointmentType,
    window: Interval,
    only: UUID | None,
    time_zone: str,
    reserved: Reserved,
) -> tuple[dict[UUID, str], dict[UUID, Iterator[datetime]]]:
    """The eligible providers' names, and each working one's free starts in `window`, lazily,
    earliest first (no providers for an empty window)."""
    if window[0] > window[1]:
        return {}, {}
    visit, tz, now = visit_of(kind), zone(time_zone), datetime.now(UTC)
    reach = (window[0] - visit.buffer_before, window[1] + visit.duration + visit.buffer_after)
    time = await repository.roster(
        session,
        clinic_id,
        kind.specialties,
        only,
        reach,
        allotted=reserved is not Reserved.INCLUDE,
    )
    names = {provider: their.name for provider, their in time.items()}
    rooms = await repository.rooms_busy(session, clinic_id, reach) if kind.requires_room else None

    def free_of(their: Roster) -> Iterator[datetime]:
        parts = offered_time(opened(their), held(their.allotted, now), reserved)
        for at in free_starts(parts, their.busy, visit, window, tz):
            if rooms is None or any(clear_of(b, visit.blocked(at)) for b in rooms.values()):
                yield at

    return names, {provider: free_of(their) for provider, their in time.items() if their.shifts}
