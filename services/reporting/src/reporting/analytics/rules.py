"""Pure rules: how an event changes a projection row, and what the row adds to the rollups.

A rollup change is always "what it adds now minus what it added before", so applying
events in any order, late or twice-guarded, converges on the same sums. Snapshot fields
follow the newest event by (occurred_at, event_id); fields only one kind of event carries
are taken whenever it comes, so late and out-of-order events land where they belong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar
from uuid import UUID

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentEvent,
    AppointmentRescheduled,
    OfflineConflictRecorded,
    OfflineConflictResolved,
)
from clinic_contracts.shifts import ShiftCancelled, ShiftChanged, ShiftReassigned, ShiftScheduled
from servicekit.localtime import day_bounds, local_day, zone

CANCELLATION_NOTICE = timedelta(hours=24)
"""A cancellation this long or longer before the start counts as with notice."""

Counters = dict[str, int]
RollupKey = tuple[UUID, date, UUID, UUID]
"""(clinic_id, local day, provider_id, type_id)."""
ShiftKey = tuple[UUID, date, UUID]
"""(clinic_id, local day, provider_id)."""
ConflictKey = tuple[UUID, date, UUID]
"""(clinic_id, local day, type_id)."""
Key = TypeVar("Key", RollupKey, ShiftKey)

ConflictEvent = OfflineConflictRecorded | OfflineConflictResolved
ShiftEvent = ShiftScheduled | ShiftChanged | ShiftReassigned | ShiftCancelled


class VisitState(Protocol):
    """What the appointment projection knows of one visit."""

    clinic_id: UUID | None
    provider_id: UUID | None
    type_id: UUID | None
    time_zone: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    status: str | None
    as_of: datetime | None
    as_of_event: UUID | None
    booked_at: datetime | None
    walk_in: bool
    waitlist_fill: bool
    cancelled_by: str | None
    cancelled_at: datetime | None
    reschedules: int
    reminders: int
    reminders_delivered: int
    offline: bool


class ConflictState(Protocol):
    """What the conflict projection knows of one offline conflict."""

    clinic_id: UUID | None
    type_id: UUID | None
    time_zone: str | None
    starts_at: datetime | None
    recorded: bool
    resolution: str | None


class ShiftState(Protocol):
    """What the shift projection knows of one shift."""

    clinic_id: UUID | None
    staff_id: UUID | None
    role: str | None
    time_zone: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    breaks: list[dict[str, Any]]
    cancelled: bool
    as_of: datetime | None
    as_of_event: UUID | None


def is_newer(
    kept_at: datetime | None, kept_event: UUID | None, occurred_at: datetime, event_id: UUID
) -> bool:
    """Whether an event is newer than the one a projection row's state came from.

    Events are ordered by (occurred_at, event_id), the same order a rebuild replays them in.
    """
    if kept_at is None or kept_event is None:
        return True
    return (occurred_at, event_id) > (kept_at, kept_event)


def take_appointment_event(
    visit: VisitState, event: AppointmentEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Bring a visit's state up to date with one of its appointment's events."""
    if is_newer(visit.as_of, visit.as_of_event, occurred_at, event_id):
        visit.clinic_id, visit.provider_id, visit.type_id = (
            event.clinic_id,
            event.provider_id,
            event.type_id,
        )
        visit.time_zone, visit.status = event.time_zone, event.status
        visit.starts_at, visit.ends_at = event.starts_at, event.ends_at
        visit.as_of, visit.as_of_event = occurred_at, event_id
    match event:
        case AppointmentBooked():
            visit.booked_at, visit.walk_in = occurred_at, event.walk_in
            visit.waitlist_fill = event.waitlist_entry_id is not None
            visit.offline = event.origin == "offline"
        case AppointmentRescheduled():
            visit.reschedules += 1
        case AppointmentCancelled():
            visit.cancelled_by, visit.cancelled_at = event.cancelled_by, occurred_at


def take_conflict_event(conflict: ConflictState, event: ConflictEvent) -> None:
    """Bring an offline conflict's state up to date with one of its events.

    The time asked for comes from `OfflineConflictRecorded` whenever it is seen (the
    resolution's own time only stands in until then), so both count on the same day.
    """
    recorded = isinstance(event, OfflineConflictRecorded)
    if recorded or conflict.starts_at is None:
        conflict.clinic_id, conflict.type_id = event.clinic_id, event.type_id
        conflict.time_zone, conflict.starts_at = event.time_zone, event.starts_at
    if isinstance(event, OfflineConflictResolved):
        conflict.resolution = event.resolution
    conflict.recorded = conflict.recorded or recorded


def take_shift_event(
    shift: ShiftState, event: ShiftEvent, occurred_at: datetime, event_id: UUID
) -> None:
    """Keep the newest state of a shift; an older event than the one kept changes nothing."""
    if not is_newer(shift.as_of, shift.as_of_event, occurred_at, event_id):
        return
    shift.clinic_id, shift.staff_id, shift.role = event.clinic_id, event.staff_id, event.role
    shift.starts_at, shift.ends_at = event.starts_at, event.ends_at
    shift.as_of, shift.as_of_event = occurred_at, event_id
    shift.cancelled = isinstance(event, ShiftCancelled)
    if not isinstance(event, ShiftCancelled):  # a cancellation carries no zone or breaks
        shift.time_zone = event.time_zone
        shift.breaks = [b.model_dump(mode="json") for b in event.breaks]


def visit_contribution(visit: VisitState) -> dict[RollupKey, Counters]:
    """The counters a visit adds to the rollup of its start's local day (none if unknown)."""
    if (
        visit.clinic_id is None
        or visit.provider_id is None
        or visit.type_id is None
        or visit.time_zone is None
        or visit.starts_at is None
        or visit.ends_at is None
        or visit.status in (None, "entered-in-error")
    ):
        return {}
    counters: Counters = {
        "booked": 1,
        "walk_ins": int(visit.walk_in),
        "waitlist_fills": int(visit.waitlist_fill),
        "rescheduled": visit.reschedules,
        "reminders": visit.reminders,
        "reminders_delivered": visit.reminders_delivered,
        "booked_offline": int(visit.offline),
    }
    if visit.status == "cancelled":
        counters |= _cancellation(visit.starts_at, visit.cancelled_by, visit.cancelled_at)
    else:
        counters["booked_minutes"] = _minutes(visit.ends_at - visit.starts_at)
        if visit.booked_at is not None and not visit.walk_in:
            lead = max(visit.starts_at - visit.booked_at, timedelta(0))
            counters |= {"lead_time_seconds": int(lead.total_seconds()), "lead_time_visits": 1}
    reminded = int(visit.reminders_delivered > 0)
    if visit.status == "fulfilled":
        counters |= {"completed": 1, "completed_reminded": reminded}
    elif visit.status == "noshow":
        counters |= {"no_shows": 1, "no_shows_reminded": reminded}
    day = local_day(visit.starts_at, zone(visit.time_zone))
    key = (visit.clinic_id, day, visit.provider_id, visit.type_id)
    return {key: {name: value for name, value in counters.items() if value}}


def _cancellation(
    starts_at: datetime, cancelled_by: str | None, cancelled_at: datetime | None
) -> Counters:
    counters = {"cancelled": 1, f"cancelled_by_{cancelled_by or 'clinic'}": 1}
    if cancelled_at is None:
        return counters
    notice = starts_at - cancelled_at
    if notice >= CANCELLATION_NOTICE:
        return counters | {"cancelled_24h_or_more_before": 1}
    if notice > timedelta(0):
        return counters | {"cancelled_under_24h_before": 1}
    return counters | {"cancelled_after_start": 1}


def conflict_contribution(conflict: ConflictState) -> dict[ConflictKey, Counters]:
    """What a conflict adds on the local day of the time the device asked for (none if unknown):
    recorded, still open, or resolved one way."""
    if (
        conflict.clinic_id is None
        or conflict.type_id is None
        or conflict.time_zone is None
        or conflict.starts_at is None
    ):
        return {}
    counters = {"conflicts_recorded": int(conflict.recorded)}
    if conflict.resolution is None:
        counters["conflicts_open"] = int(conflict.recorded)
    else:
        counters[f"conflicts_resolved_{conflict.resolution}"] = 1
    day = local_day(conflict.starts_at, zone(conflict.time_zone))
    key = (conflict.clinic_id, day, conflict.type_id)
    return {key: {name: value for name, value in counters.items() if value}}


def shift_contribution(shift: ShiftState) -> dict[ShiftKey, Counters]:
    """Minutes a provider's shift offers on each local day it touches, breaks left out."""
    if (
        shift.cancelled
        or shift.role != "provider"
        or shift.clinic_id is None
        or shift.staff_id is None
        or shift.time_zone is None
        or shift.starts_at is None
        or shift.ends_at is None
    ):
        return {}
    tz = zone(shift.time_zone)
    breaks = [
        (datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"]))
        for b in shift.breaks
    ]
    result: dict[ShiftKey, Counters] = {}
    day = local_day(shift.starts_at, tz)
    while (bounds := day_bounds(day, tz))[0] < shift.ends_at:
        worked = _overlap((shift.starts_at, shift.ends_at), bounds)
        worked -= sum(
            (_overlap(b, bounds, (shift.starts_at, shift.ends_at)) for b in breaks), timedelta(0)
        )
        if minutes := _minutes(worked):
            result[(shift.clinic_id, day, shift.staff_id)] = {"minutes": minutes}
        day += timedelta(days=1)
    return result


def _overlap(*ranges: tuple[datetime, datetime]) -> timedelta:
    start = max(r[0] for r in ranges)
    end = min(r[1] for r in ranges)
    return max(end - start, timedelta(0))


def _minutes(length: timedelta) -> int:
    return int(length.total_seconds() // 60)


def difference(
    before: Mapping[Key, Counters], after: Mapping[Key, Counters]
) -> dict[Key, Counters]:
    """What to add to the rollups to go from `before` to `after` (zero changes left out)."""
    changes: dict[Key, Counters] = defaultdict(dict)
    for sign, side in ((-1, before), (1, after)):
        for key, counters in side.items():
            for name, value in counters.items():
                changes[key][name] = changes[key].get(name, 0) + sign * value
    return {
        key: nonzero
        for key, counters in changes.items()
        if (nonzero := {name: value for name, value in counters.items() if value})
    }
