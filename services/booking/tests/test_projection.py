"""Booking's projection of clinics, staff, shifts and leave follows the published events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from booking.app import create_app
from booking.db import Base
from booking.projection.models import Clinic, LeaveWindow, ShiftWindow, StaffRole
from booking.settings import Settings
from clinic_contracts.envelope import encode, new_envelope
from clinic_contracts.identity import (
    BookingPolicy,
    ClinicCreated,
    ClinicUpdated,
    MembershipGranted,
    MembershipRevoked,
)
from clinic_contracts.shifts import (
    SHIFTS_TOPIC,
    LeaveApproved,
    LeaveCancelled,
    ShiftBreak,
    ShiftCancelled,
    ShiftChanged,
    ShiftReassigned,
    ShiftScheduled,
)
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import running_app
from servicekit.testing.fixtures import Apply
from sqlalchemy import select

START = datetime(2027, 3, 1, 8, tzinfo=UTC)
Row = TypeVar("Row", bound=Base)


def _shift(**changes: Any) -> dict[str, Any]:
    return {
        "shift_id": uuid.uuid4(),
        "clinic_id": uuid.uuid4(),
        "staff_id": uuid.uuid4(),
        "role": "provider",
        "starts_at": START,
        "ends_at": START + timedelta(hours=9),
        "breaks": [
            ShiftBreak(starts_at=START + timedelta(hours=4), ends_at=START + timedelta(hours=5))
        ],
        "local_date": "2027-03-01",
        "time_zone": "Africa/Nairobi",
    } | changes


async def _rows(runtime: ServiceRuntime, model: type[Row]) -> Sequence[Row]:
    async with runtime.sessions() as session:
        return (await session.scalars(select(model))).all()


async def test_a_shift_is_kept_moved_reassigned_and_dropped(
    runtime: ServiceRuntime, apply: Apply
) -> None:
    scheduled = _shift()
    later = START + timedelta(hours=1)
    other = uuid.uuid4()

    await apply(ShiftScheduled(**scheduled))
    await apply(
        ShiftChanged(
            **scheduled | {"starts_at": later},
            previous_starts_at=START,
            previous_ends_at=scheduled["ends_at"],
        )
    )
    [moved] = await _rows(runtime, ShiftWindow)
    await apply(
        ShiftReassigned(
            **scheduled | {"staff_id": other, "starts_at": later},
            previous_staff_id=scheduled["staff_id"],
        )
    )
    [given] = await _rows(runtime, ShiftWindow)
    await apply(
        ShiftCancelled(
            **{
                k: v for k, v in scheduled.items() if k not in ("breaks", "local_date", "time_zone")
            },
            reason="cancelled",
        )
    )

    assert (moved.starts_at, len(moved.breaks)) == (later, 1)
    assert given.staff_id == other
    assert await _rows(runtime, ShiftWindow) == []


async def test_leave_and_roles_follow_their_events(runtime: ServiceRuntime, apply: Apply) -> None:
    staff, clinic = uuid.uuid4(), uuid.uuid4()
    leave = {
        "leave_id": uuid.uuid4(),
        "staff_id": staff,
        "clinic_id": clinic,
        "starts_at": START,
        "ends_at": START + timedelta(days=2),
    }

    await apply(LeaveApproved(**leave, kind="annual"), LeaveApproved(**leave, kind="annual"))
    kept = await _rows(runtime, LeaveWindow)
    await apply(LeaveCancelled(**leave))
    await apply(MembershipGranted(user_id=staff, clinic_id=clinic, role="provider", specialty="gp"))
    granted = await _rows(runtime, StaffRole)
    await apply(MembershipRevoked(user_id=staff, clinic_id=clinic, role="provider"))

    assert [(w.staff_id, w.ends_at - w.starts_at) for w in kept] == [(staff, timedelta(days=2))]
    assert await _rows(runtime, LeaveWindow) == []
    assert [(r.role, r.specialty) for r in granted] == [("provider", "gp")]
    assert await _rows(runtime, StaffRole) == []


async def test_a_clinic_keeps_its_zone_and_booking_policy(
    runtime: ServiceRuntime, apply: Apply
) -> None:
    clinic = uuid.uuid4()
    policy = BookingPolicy(min_notice_minutes=120, cancellation_cutoff_hours=12)

    await apply(ClinicCreated(clinic_id=clinic, name="Kibera", time_zone="Africa/Nairobi"))
    await apply(
        ClinicUpdated(
            clinic_id=clinic, name="Kibera", time_zone="Europe/London", booking_policy=policy
        )
    )

    [row] = await _rows(runtime, Clinic)
    assert (row.time_zone, row.booking_policy["min_notice_minutes"]) == ("Europe/London", 120)
    assert row.booking_policy["cancellation_cutoff_hours"] == 12


async def test_the_consumer_reads_shifts_from_the_broker(settings: Settings) -> None:
    event = ShiftScheduled(**_shift())
    app = create_app(settings)

    async with running_app(app):
        runtime: ServiceRuntime = app.state.runtime
        await runtime.connector.connected.wait()
        await runtime.broker.publish(
            encode(new_envelope(event, producer="shifts")),
            topic=settings.topic(SHIFTS_TOPIC),
            key=str(event.shift_id).encode(),
        )
        async with asyncio.timeout(60):
            while not (rows := await _rows(runtime, ShiftWindow)):
                await asyncio.sleep(0.2)

    assert [row.shift_id for row in rows] == [event.shift_id]
