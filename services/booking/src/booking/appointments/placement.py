"""Putting a visit on the calendar: which provider and room, checked against shifts and the
booking window, and taken with the exclusion constraints as the only judge of overlap.

Holds, bookings, reschedules and waitlist offers all place visits in two steps: `plan`
checks the request and deletes the lapsed holds in its way, `take` writes the visit. Between
them the caller settles the waitlist offers among those holds (`waitlist.offers.lapse`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from clinic_contracts.identity import BookingPolicy
from servicekit.intervals import Interval
from servicekit.localtime import zone
from servicekit.problems import Conflict, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository, rules
from booking.appointments.models import Appointment
from booking.appointments.repository import Clash
from booking.projection.models import Clinic
from booking.slots import repository as calendar
from booking.slots.repository import Roster
from booking.slots.rules import Reserved, clear_of, covered, held
from booking.slots.service import bookable_window, free_slots, opened, visit_of
from booking.types.models import AppointmentType

ALTERNATIVES = 3
"""How many free starts a 409 offers on each side of the refused one."""

T = TypeVar("T")
Write = Callable[[dict[str, Any]], Awaitable[T]]


@dataclass(frozen=True)
class Placement:
    """A requested visit: a type at a clinic at a start, maybe with a provider or room."""

    clinic: Clinic
    kind: AppointmentType
    starts_at: datetime
    provider_id: UUID | None = None
    room_id: UUID | None = None
    staff: bool = False
    overbook: bool = False
    patient_id: UUID | None = None
    explain: bool = True
    """Whether a refusal offers alternatives (worth its queries only for a caller to read)."""
    front_desk: bool = False
    """Whether the visit may take reserved front desk time before its release."""
    judged_at: datetime | None = None
    """When the request was made, if not now: an offline device's change is judged as of
    when it was recorded there (a walk-in pushed hours later is not "in the past")."""

    @property
    def times(self) -> dict[str, datetime]:
        """The visit's columns: its own range and the range it blocks."""
        visit = visit_of(self.kind)
        blocked_from, blocked_until = visit.blocked(self.starts_at)
        return {
            "starts_at": self.starts_at,
            "ends_at": self.starts_at + visit.duration,
            "blocked_from": blocked_from,
            "blocked_until": blocked_until,
        }


@dataclass(frozen=True)
class Plan:
    """A request that passed the checks: its columns, the providers working then (those that
    look free first), and the lapsed holds deleted from its way (their waitlist offers are
    the caller's to settle)."""

    want: Placement
    times: dict[str, datetime]
    providers: list[UUID]
    released: list[Appointment]

    @property
    def blocked(self) -> Interval:
        """The range the visit blocks: the visit and the provider's buffers."""
        return self.times["blocked_from"], self.times["blocked_until"]


async def plan(session: AsyncSession, want: Placement, *, release_lapsed: bool = True) -> Plan:
    """Check `want` against the type's and clinic's rules and the roster, and delete the
    lapsed holds in its way (unless told not to: they then refuse the write as live ones).

    409 when no provider works then (or only in front desk time), 422 when the request breaks
    the type's or clinic's rules.
    """
    rules.check_window(want, datetime.now(UTC))
    times = want.times
    blocked = (times["blocked_from"], times["blocked_until"])
    # Busy time only orders several providers (the constraint judges); reserved time only
    # keeps others than the front desk out.
    time = await calendar.roster(
        session,
        want.clinic.id,
        want.kind.specialties,
        want.provider_id,
        blocked,
        busy=not want.overbook and want.provider_id is None,
        allotted=not want.front_desk,
    )
    providers = await _open_providers(session, want, time, blocked)
    if not want.front_desk:
        providers = await _outside_reserved(session, want, time, providers, blocked)
    released = (
        await repository.release_expired_holds(session, overlapping=blocked)
        if release_lapsed
        else []
    )
    return Plan(want, times, _free_first(time, providers, blocked), released)


async def take(
    session: AsyncSession, planned: Plan, write: Write[T], *, moving: UUID | None = None
) -> T:
    """Pick a provider and room free at the time and `write` the visit; what `write` returned.

    409 when the time is taken (naming the clash and offering the nearest free starts), 422
    for a room the clinic does not have.
    """
    want, times, blocked = planned.want, planned.times, planned.blocked
    rooms = await _free_rooms(session, want, blocked)
    # The first refusal, met with the likeliest provider and room, says most.
    clash: tuple[str, dict[str, Any]] | None = None
    for provider in planned.providers:
        for room in rooms:
            values = _columns(planned, provider, room)
            try:
                return await write(values)
            except Clash as refused:
                clash = clash or (refused.party, values)
                if refused.party == "patient":
                    raise await _taken(session, want, refused.party, values, moving) from None
                if refused.party == "provider":
                    break
    party, values = clash or ("provider", times | {"provider_id": planned.providers[0]})
    raise await _taken(session, want, party, values, moving)


async def take_first(session: AsyncSession, planned: Plan, write: Write[T]) -> T:
    """`write` the visit with the likeliest provider and room only, the first that `take`
    tries; what `write` returned (its own answer to a refusal)."""
    rooms = await _free_rooms(session, planned.want, planned.blocked)
    return await write(_columns(planned, planned.providers[0], rooms[0]))


def _columns(planned: Plan, provider: UUID, room: UUID | None) -> dict[str, Any]:
    """The visit's time, provider, room and patient columns."""
    return planned.times | {
        "provider_id": provider,
        "room_id": room,
        "patient_id": planned.want.patient_id,
    }


async def _open_providers(
    session: AsyncSession, want: Placement, time: dict[UUID, Roster], blocked: Interval
) -> list[UUID]:
    """Providers of the type who work the whole blocked range there (requested one only)."""
    if want.provider_id is not None and not time:
        raise Problem(
            f"Staff member {want.provider_id} is not a provider of this type at this clinic.",
            status=422,
            slug="provider-not-eligible",
        )
    working = [
        provider
        for provider, their in sorted(time.items())
        if their.shifts and covered(opened(their), blocked)
    ]
    if not working:
        raise Conflict(
            "No provider of this type works then (outside shifts, in a break or on leave).",
            slug="slot-unavailable",
            alternatives=await _alternatives(session, want) if want.explain else [],
        )
    return working


async def _outside_reserved(
    session: AsyncSession,
    want: Placement,
    time: dict[UUID, Roster],
    providers: list[UUID],
    blocked: Interval,
) -> list[UUID]:
    """Providers whose reserved time not yet released the visit keeps clear of."""
    now = datetime.now(UTC)
    clear = [p for p in providers if clear_of(held(time[p].allotted, now), blocked)]
    if not clear:
        raise Conflict(
            "That time is kept for the clinic's front desk; book it there, or pick another.",
            slug="reserved-time",
            alternatives=await _alternatives(session, want) if want.explain else [],
        )
    return clear


def _free_first(time: dict[UUID, Roster], providers: list[UUID], blocked: Interval) -> list[UUID]:
    """Providers that look free first; the constraint has the last word on all of them."""
    return sorted(providers, key=lambda p: not clear_of(time[p].busy, blocked))


async def _free_rooms(
    session: AsyncSession, want: Placement, blocked: Interval
) -> list[UUID | None]:
    if not want.kind.requires_room and want.room_id is None:
        return [None]
    rooms = await calendar.rooms_busy(session, want.clinic.id, blocked, only=want.room_id)
    if want.room_id is not None and not rooms:
        raise Problem(
            f"Clinic {want.clinic.id} has no active room {want.room_id}.",
            status=422,
            slug="unknown-room",
        )
    if not rooms:
        raise Conflict("This clinic has no room for this type of visit.", slug="no-room")
    free_first: list[UUID] = sorted(rooms, key=lambda room: not clear_of(rooms[room], blocked))
    return [*free_first]


async def _taken(
    session: AsyncSession, want: Placement, party: str, values: dict[str, Any], moving: UUID | None
) -> Conflict:
    """A 409 naming what the visit ran into, with the nearest free starts."""
    other = await repository.clash_with(session, party=party, values=values, ignore=moving)
    clash: dict[str, Any] = {"with": party}
    if other is not None:
        tz = zone(want.clinic.time_zone)
        clash |= {
            "starts_at": other.starts_at.astimezone(tz).isoformat(),
            "ends_at": other.ends_at.astimezone(tz).isoformat(),
        }
        if want.staff or (party == "patient" and other.patient_id == want.patient_id):
            clash["appointment_id"] = str(other.id)
    detail = {
        "provider": "The provider is already booked then.",
        "room": "No room is free then.",
        "patient": "The patient already has an appointment then.",
    }[party]
    alternatives = await _alternatives(session, want) if want.explain else []
    return Conflict(detail, slug="slot-taken", clash=clash, alternatives=alternatives)


async def _alternatives(session: AsyncSession, want: Placement) -> list[dict[str, Any]]:
    """The free starts nearest the refused one, within a day either side."""
    now = datetime.now(UTC)
    policy = BookingPolicy.model_validate(want.clinic.booking_policy)
    earliest, latest = bookable_window(
        want.kind, policy, want.clinic.time_zone, now, staff=want.staff
    )
    window = (
        max(earliest, want.starts_at - timedelta(days=1)),
        min(latest, want.starts_at + timedelta(days=1)),
    )
    _, slots = await free_slots(
        session,
        want.clinic.id,
        want.kind,
        window,
        want.provider_id,
        want.clinic.time_zone,
        Reserved.INCLUDE if want.front_desk else Reserved.EXCLUDE,
    )
    free = dict(slots)
    before = sorted((at for at in free if at < want.starts_at), reverse=True)[:ALTERNATIVES]
    after = sorted(at for at in free if at > want.starts_at)[:ALTERNATIVES]
    tz, duration = zone(want.clinic.time_zone), visit_of(want.kind).duration
    return [
        {
            "starts_at": at.astimezone(tz).isoformat(),
            "ends_at": (at + duration).astimezone(tz).isoformat(),
            "provider_ids": [str(p) for p in sorted(free[at])],
        }
        for at in sorted([*before, *after])
    ]
