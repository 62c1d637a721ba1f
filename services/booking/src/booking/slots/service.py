"""Slot search: the free start times of a type at a clinic, per provider or any provider."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby, islice
from operator import itemgetter
from uuid import UUID

from clinic_contracts.identity import BookingPolicy
from servicekit.auth import Principal
from servicekit.localtime import local_day, zone
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Forbidden, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import is_staff
from booking.projection.repository import get_clinic
from booking.slots import repository
from booking.slots.rules import Visit, clear_of, free_starts, open_time
from booking.slots.schemas import Slot, SlotProvider
from booking.types.models import AppointmentType
from booking.types.service import visible_type

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
) -> Page[Slot]:
    """Free starts in [start, end) (default: the next 7 days), earliest first."""
    now = datetime.now(UTC)
    start = max(start or now, decode_keyset(cursor, instant)[0] if cursor else now)
    end = end or start + timedelta(days=7)
    if not timedelta() < end - start <= MAX_SPAN:
        raise Problem("`to` must be after `from`, at most 31 days later.", slug="bad-range")
    kind = await visible_type(session, caller, type_id)
    if kind.clinic_id != clinic_id or not kind.active:
        raise NotFound(f"Clinic {clinic_id} has no bookable type {type_id}.")
    clinic = await get_clinic(session, clinic_id)
    policy = BookingPolicy.model_validate(clinic.booking_policy)
    staff = is_staff(caller, clinic_id)
    if not staff and not policy.patient_self_booking:
        raise Forbidden("This clinic books appointments through its staff only.")
    earliest, latest = bookable_window(kind, policy, clinic.time_zone, now, staff=staff)
    window = (max(start, earliest), min(end - timedelta(microseconds=1), latest))
    names = await repository.providers(session, clinic_id, kind.specialties, provider_id)
    slots = await free_slots(session, clinic_id, kind, window, names, clinic.time_zone)
    first = list(islice(slots, limit + 1))  # a page and the next start: no need for the rest
    visit, tz = visit_of(kind), zone(clinic.time_zone)
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
    names: Collection[UUID],
    time_zone: str,
) -> Iterator[tuple[datetime, list[UUID]]]:
    """Free starts in `window` (first and last allowed start), earliest first, each with the
    providers free then.

    The database is read at once; the starts are worked out as they are taken, so a page of
    them costs only its own share of the window.
    """
    if window[0] > window[1] or not names:
        return iter(())
    visit, tz = visit_of(kind), zone(time_zone)
    reach = (window[0] - visit.buffer_before, window[1] + visit.duration + visit.buffer_after)
    shifts = await repository.shifts_of(session, clinic_id, list(names), reach)
    leave = await repository.leave_of(session, list(shifts), reach)
    busy = await repository.busy_of(session, list(shifts), reach)
    rooms = await repository.rooms_busy(session, clinic_id, reach) if kind.requires_room else None

    def free_of(provider: UUID) -> Iterator[tuple[datetime, UUID]]:
        worked = shifts[provider]
        parts = open_time(
            [s for s, _ in worked], [b for _, bs in worked for b in bs], leave[provider]
        )
        for at in free_starts(parts, busy[provider], visit, window, tz):
            if rooms is None or any(clear_of(b, visit.blocked(at)) for b in rooms.values()):
                yield at, provider

    # Each provider's starts come earliest first; merged, equal starts fall together.
    merged = heapq.merge(*(free_of(provider) for provider in shifts), key=itemgetter(0))
    return ((at, [p for _, p in free]) for at, free in groupby(merged, key=itemgetter(0)))
