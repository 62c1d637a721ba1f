"""The pure rules: a shift's minutes per local day, a cancellation's notice, differences."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from reporting.analytics.figures import (
    conflict_contribution,
    difference,
    shift_contribution,
    visit_contribution,
)

CLINIC, STAFF, TYPE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


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
    }
    return SimpleNamespace(**(values | fields))


def test_a_night_shift_is_split_at_local_midnight():
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


def test_the_spring_forward_night_has_an_hour_less():
    # 22:00-06:00 local across New York's 2026-03-08 change: 7 real hours.
    starts = datetime(2026, 3, 8, 3, tzinfo=UTC)  # 22:00 EST on the 7th
    minutes = shift_contribution(
        shift(starts, datetime(2026, 3, 8, 10, tzinfo=UTC), "America/New_York")
    )
    assert [m["minutes"] for m in minutes.values()] == [120, 300]


def test_receptionists_and_cancelled_shifts_offer_no_capacity():
    starts = datetime(2026, 2, 23, 5, tzinfo=UTC)
    ends = starts + timedelta(hours=8)
    assert shift_contribution(shift(starts, ends, "UTC", role="receptionist")) == {}
    assert shift_contribution(shift(starts, ends, "UTC", cancelled=True)) == {}


def visit(**fields: object) -> SimpleNamespace:
    starts = datetime(2026, 2, 25, 9, tzinfo=UTC)
    values = {
        "clinic_id": CLINIC,
        "provider_id": STAFF,
        "type_id": TYPE,
        "time_zone": "UTC",
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=30),
        "status": "booked",
        "booked_at": starts - timedelta(days=2),
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


def test_cancellation_notice_is_24_hours_under_or_after_the_start():
    starts = datetime(2026, 2, 25, 9, tzinfo=UTC)
    for cancelled_at, counter in [
        (starts - timedelta(hours=24), "cancelled_24h_or_more_before"),
        (starts - timedelta(hours=23, minutes=59), "cancelled_under_24h_before"),
        (starts, "cancelled_after_start"),
    ]:
        [counters] = visit_contribution(
            visit(status="cancelled", cancelled_by="patient", cancelled_at=cancelled_at)
        ).values()
        assert counters == {"booked": 1, "cancelled": 1, "cancelled_by_patient": 1, counter: 1}


def test_a_move_to_another_day_takes_the_visit_with_it():
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
    assert difference(after, after) == {}


def test_an_offline_booking_and_its_conflicts_count_on_the_day_asked_for():
    [counters] = visit_contribution(visit(offline=True)).values()
    assert counters["booked_offline"] == 1
    asked = {"clinic_id": CLINIC, "type_id": TYPE, "time_zone": "Africa/Nairobi"}
    late_evening = datetime(2026, 2, 25, 22, tzinfo=UTC)  # 01:00 on the 26th in Nairobi
    open_ = SimpleNamespace(**asked, starts_at=late_evening, recorded=True, resolution=None)
    resolved = SimpleNamespace(**vars(open_) | {"resolution": "waitlisted"})
    key = (CLINIC, date(2026, 2, 26), TYPE)
    assert conflict_contribution(open_) == {key: {"conflicts_recorded": 1, "conflicts_open": 1}}
    assert difference(conflict_contribution(open_), conflict_contribution(resolved)) == {
        key: {"conflicts_open": -1, "conflicts_resolved_waitlisted": 1}
    }
