"""The pure analytics rules: a shift's minutes per local day, a cancellation's notice,
differences, and how an event changes a projection row."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentRescheduled,
    OfflineConflictRecorded,
    OfflineConflictResolved,
)
from clinic_contracts.shifts import ShiftCancelled, ShiftScheduled
from reporting.analytics.rules import (
    conflict_contribution,
    difference,
    shift_contribution,
    take_appointment_event,
    take_conflict_event,
    take_shift_event,
    visit_contribution,
)

CLINIC, STAFF, TYPE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
STARTS = datetime(2026, 2, 25, 9, tzinfo=UTC)
NAIROBI_LATE_EVENING = datetime(2026, 2, 25, 22, tzinfo=UTC)  # 01:00 on the 26th in Nairobi
ASKED_KEY = (CLINIC, date(2026, 2, 26), TYPE)


def shift(starts: datetime, ends: datetime, zone: str, **fields: object) -> SimpleNamespace:
    values = {
        "clinic_id": CLINIC,
        "staff_id": STAFF,
        "role": "provider",
        "time_zone": zone,
        "starts_at": starts,
        "ends_at": ends,
        "breaks": [],
        "cancelled": False,
        "as_of": None,
        "as_of_event": None,
    }
    return SimpleNamespace(**(values | fields))


def visit(**fields: object) -> SimpleNamespace:
    values = {
        "clinic_id": CLINIC,
        "provider_id": STAFF,
        "type_id": TYPE,
        "time_zone": "UTC",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(minutes=30),
        "status": "booked",
        "as_of": None,
        "as_of_event": None,
        "booked_at": STARTS - timedelta(days=2),
        "walk_in": False,
        "waitlist_fill": False,
        "cancelled_by": None,
        "cancelled_at": None,
        "reschedules": 0,
        "reminders": 0,
        "reminders_delivered": 0,
        "offline": False,
    }
    return SimpleNamespace(**(values | fields))


def conflict(**fields: object) -> SimpleNamespace:
    values = {
        "clinic_id": CLINIC,
        "type_id": TYPE,
        "time_zone": "Africa/Nairobi",
        "starts_at": NAIROBI_LATE_EVENING,
        "recorded": True,
        "resolution": None,
    }
    return SimpleNamespace(**(values | fields))


def empty_row(**fields: object) -> SimpleNamespace:
    """A projection row as the insert creates it: nothing known yet."""
    return SimpleNamespace(**fields)


def appointment(starts: datetime = STARTS) -> dict[str, Any]:
    return {
        "appointment_id": uuid.uuid4(),
        "clinic_id": CLINIC,
        "patient_id": uuid.uuid4(),
        "provider_id": STAFF,
        "type_id": TYPE,
        "type_name": "Consultation",
        "status": "booked",
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=30),
        "time_zone": "UTC",
    }


def test_a_night_shift_is_split_at_local_midnight() -> None:
    # 20:00-04:00 in Nairobi (UTC+3), a 30-minute break straddling midnight.
    starts = datetime(2026, 2, 23, 17, tzinfo=UTC)
    gap = {"starts_at": "2026-02-23T20:45:00Z", "ends_at": "2026-02-23T21:15:00Z"}
    minutes = shift_contribution(
        shift(starts, starts + timedelta(hours=8), "Africa/Nairobi", breaks=[gap])
    )
    assert minutes == {
        (CLINIC, date(2026, 2, 23), STAFF): {"minutes": 240 - 15},
        (CLINIC, date(2026, 2, 24), STAFF): {"minutes": 240 - 15},
    }


def test_the_spring_forward_night_has_an_hour_less() -> None:
    # 22:00-06:00 local across New York's 2026-03-08 change: 7 real hours.
    starts = datetime(2026, 3, 8, 3, tzinfo=UTC)  # 22:00 EST on the 7th
    minutes = shift_contribution(
        shift(starts, datetime(2026, 3, 8, 10, tzinfo=UTC), "America/New_York")
    )
    assert [m["minutes"] for m in minutes.values()] == [120, 300]


def test_receptionists_offer_no_capacity() -> None:
    starts = datetime(2026, 2, 23, 5, tzinfo=UTC)
    ends = starts + timedelta(hours=8)
    assert shift_contribution(shift(starts, ends, "UTC", role="receptionist")) == {}


def test_cancelled_shifts_offer_no_capacity() -> None:
    starts = datetime(2026, 2, 23, 5, tzinfo=UTC)
    ends = starts + timedelta(hours=8)
    assert shift_contribution(shift(starts, ends, "UTC", cancelled=True)) == {}


@pytest.mark.parametrize(
    ("cancelled_at", "counter"),
    [
        (STARTS - timedelta(hours=24), "cancelled_24h_or_more_before"),
        (STARTS - timedelta(hours=23, minutes=59), "cancelled_under_24h_before"),
        (STARTS, "cancelled_after_start"),
    ],
)
def test_cancellation_notice_is_24_hours_under_or_after_the_start(
    cancelled_at: datetime, counter: str
) -> None:
    [counters] = visit_contribution(
        visit(status="cancelled", cancelled_by="patient", cancelled_at=cancelled_at)
    ).values()
    assert counters == {"booked": 1, "cancelled": 1, "cancelled_by_patient": 1, counter: 1}


def test_a_move_to_another_day_takes_the_visit_with_it() -> None:
    before = visit_contribution(visit())
    after = visit_contribution(
        visit(
            starts_at=datetime(2026, 2, 26, 9, tzinfo=UTC),
            ends_at=datetime(2026, 2, 26, 10, tzinfo=UTC),
            reschedules=1,
        )
    )
    change = difference(before, after)
    old, new = (CLINIC, date(2026, 2, 25), STAFF, TYPE), (CLINIC, date(2026, 2, 26), STAFF, TYPE)
    assert change[old] == {
        "booked": -1,
        "booked_minutes": -30,
        "lead_time_seconds": -172800,
        "lead_time_visits": -1,
    }
    assert change[new]["booked_minutes"] == 60
    assert change[new]["rescheduled"] == 1


def test_no_change_adds_nothing() -> None:
    same = visit_contribution(visit(reschedules=1))
    assert difference(same, same) == {}


def test_an_offline_booking_counts_as_booked_offline() -> None:
    [counters] = visit_contribution(visit(offline=True)).values()
    assert counters["booked_offline"] == 1


def test_an_open_conflict_counts_on_the_local_day_asked_for() -> None:
    assert conflict_contribution(conflict()) == {
        ASKED_KEY: {"conflicts_recorded": 1, "conflicts_open": 1}
    }


def test_a_resolution_moves_a_conflict_from_open_to_resolved() -> None:
    resolved = conflict(resolution="waitlisted")
    assert difference(conflict_contribution(conflict()), conflict_contribution(resolved)) == {
        ASKED_KEY: {"conflicts_open": -1, "conflicts_resolved_waitlisted": 1}
    }


def test_an_older_event_keeps_the_newer_snapshot_but_adds_what_only_it_carries() -> None:
    booked = AppointmentBooked(**appointment(), booked_by="patient", walk_in=True)
    row = visit(status="cancelled", as_of=STARTS, as_of_event=uuid.uuid4(), booked_at=None)
    take_appointment_event(row, booked, STARTS - timedelta(days=1), uuid.uuid4())
    assert (row.status, row.as_of) == ("cancelled", STARTS)
    assert (row.booked_at, row.walk_in) == (STARTS - timedelta(days=1), True)


def test_a_reschedule_moves_the_visit_and_counts_once_more() -> None:
    fields = appointment(STARTS + timedelta(days=1))
    moved = AppointmentRescheduled(
        **fields,
        previous_starts_at=STARTS,
        previous_ends_at=STARTS + timedelta(minutes=30),
        previous_provider_id=STAFF,
        rescheduled_by="patient",
    )
    row = visit(reschedules=1)
    event_id = uuid.uuid4()
    take_appointment_event(row, moved, STARTS, event_id)
    assert (row.starts_at, row.reschedules, row.as_of_event) == (fields["starts_at"], 2, event_id)


def test_a_cancellation_notes_who_cancelled_and_when() -> None:
    cancelled = AppointmentCancelled(
        **appointment() | {"status": "cancelled"}, cancelled_by="clinic"
    )
    row = visit()
    take_appointment_event(row, cancelled, STARTS - timedelta(hours=3), uuid.uuid4())
    assert (row.status, row.cancelled_by) == ("cancelled", "clinic")
    assert row.cancelled_at == STARTS - timedelta(hours=3)


def conflict_fields(starts: datetime) -> dict[str, Any]:
    return {
        "conflict_id": uuid.uuid4(),
        "clinic_id": CLINIC,
        "device_id": uuid.uuid4(),
        "patient_id": uuid.uuid4(),
        "type_id": TYPE,
        "type_name": "Consultation",
        "kind": "book",
        "appointment_id": uuid.uuid4(),
        "starts_at": starts,
        "ends_at": starts,
        "time_zone": "Africa/Nairobi",
    }


def test_the_time_asked_for_replaces_the_time_a_resolution_named() -> None:
    named = NAIROBI_LATE_EVENING + timedelta(days=1)
    row = empty_row(starts_at=None, recorded=False, resolution=None)
    take_conflict_event(
        row,
        OfflineConflictResolved(
            **conflict_fields(named), resolution="booked", resolved_by=uuid.uuid4()
        ),
    )
    assert (row.starts_at, row.recorded, row.resolution) == (named, False, "booked")
    take_conflict_event(
        row,
        OfflineConflictRecorded(
            **conflict_fields(NAIROBI_LATE_EVENING), recorded_at=NAIROBI_LATE_EVENING
        ),
    )
    assert (row.starts_at, row.recorded, row.resolution) == (NAIROBI_LATE_EVENING, True, "booked")


def shift_fields() -> dict[str, Any]:
    starts = datetime(2026, 2, 23, 5, tzinfo=UTC)
    return {
        "shift_id": uuid.uuid4(),
        "clinic_id": CLINIC,
        "staff_id": STAFF,
        "role": "provider",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=8),
    }


def test_an_older_shift_event_changes_nothing() -> None:
    fields = shift_fields()
    row = shift(STARTS, STARTS + timedelta(hours=1), "UTC", as_of=STARTS, as_of_event=uuid.uuid4())
    scheduled = ShiftScheduled(**fields, breaks=[], local_date="2026-02-23", time_zone="UTC")
    take_shift_event(row, scheduled, STARTS - timedelta(days=1), uuid.uuid4())
    assert (row.starts_at, row.as_of) == (STARTS, STARTS)


def test_a_cancellation_keeps_the_zone_and_breaks_it_does_not_carry() -> None:
    fields = shift_fields()
    gap = {"starts_at": "2026-02-23T09:00:00Z", "ends_at": "2026-02-23T10:00:00Z"}
    row = shift(fields["starts_at"], fields["ends_at"], "Africa/Nairobi", breaks=[gap])
    take_shift_event(row, ShiftCancelled(**fields, reason="cancelled"), STARTS, uuid.uuid4())
    assert (row.cancelled, row.time_zone, row.breaks) == (True, "Africa/Nairobi", [gap])
    assert shift_contribution(row) == {}
