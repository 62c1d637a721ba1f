"""The sync pull: a snapshot, then changes with tombstones; stale cursors answer a snapshot."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from booking.projection.repository import get_clinic
from booking.settings import Settings
from booking.slots.service import reserved_starts
from booking.sync.prune import prune_once
from booking.types.models import AppointmentType
from clinic_contracts.shifts import ShiftCancelled
from servicekit.auth import Membership
from servicekit.localtime import instant
from servicekit.pagination import encode_cursor
from servicekit.runtime import ServiceRuntime
from sqlalchemy import text

from .conftest import LONDON, Calendar
from .sync_support import DAY, at, patient


async def pull(
    calendar: Calendar, headers: dict[str, str], cursor: str | None = None
) -> dict[str, Any]:
    params = {"device_id": str(uuid.uuid4())} | ({"cursor": cursor} if cursor else {})
    response = await calendar.client.get(
        f"/v1/sync/clinics/{calendar.id}", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class WorkingDay:
    """The doctor's shift on DAY (and one past the window) with a patient booked at 09:00."""

    calendar: Calendar
    desk: dict[str, str]
    shift_id: uuid.UUID
    later: uuid.UUID
    kind: dict[str, Any]
    amina: uuid.UUID
    booked: dict[str, Any]


@pytest.fixture
async def day(calendar: Calendar) -> WorkingDay:
    shift_id = await calendar.shift(calendar.doctor, DAY)
    later = await calendar.shift(calendar.doctor, DAY + timedelta(days=20))
    kind = await calendar.new_type()
    amina = await patient(calendar)
    desk = calendar.receptionist()
    body = calendar.slot(kind, DAY, time(9), patient_id=str(amina))
    booked = (await calendar.book(body, desk)).json()
    return WorkingDay(calendar, desk, shift_id, later, kind, amina, booked)


async def test_a_snapshot_holds_the_clinic_s_working_set(day: WorkingDay) -> None:
    calendar = day.calendar

    snapshot = await pull(calendar, day.desk)

    assert snapshot["kind"] == "snapshot"
    assert snapshot["tombstones"] == []
    assert ids(snapshot["appointments"]) == {day.booked["id"]}
    [slim] = snapshot["appointments"]  # UTC, no clinic, nulls and defaults left out
    assert slim["starts_at"] == utc(instant(DAY, time(9), LONDON))
    assert not {"clinic_id", "time_zone", "walk_in", "note", "origin"} & set(slim)
    assert snapshot["patients"] == [
        {"id": str(day.amina), "full_name": "Amina Odhiambo", "phone": "+254712345678"}
    ]
    assert ids(snapshot["providers"]) == {str(calendar.doctor), str(calendar.nurse)}
    assert ids(snapshot["shifts"]) == {str(day.shift_id)}  # the later one is out of the window
    assert ids(snapshot["types"]) == {day.kind["id"]}
    [free] = snapshot["availability"]
    assert free["provider_id"] == str(calendar.doctor)
    nine, ten = (
        instant(DAY, t, LONDON).strftime("%Y-%m-%dT%H:%M:%SZ") for t in (time(9), time(10))
    )
    assert ten in free["starts"]
    assert nine not in free["starts"]
    assert snapshot["open_conflicts"] == 0


async def test_a_pull_right_after_a_snapshot_has_no_changes(day: WorkingDay) -> None:
    snapshot = await pull(day.calendar, day.desk)

    unchanged = await pull(day.calendar, day.desk, snapshot["cursor"])

    assert unchanged["kind"] == "changes"
    assert unchanged["appointments"] == unchanged["tombstones"] == unchanged["providers"] == []


async def test_what_left_the_window_or_went_comes_as_tombstones(day: WorkingDay) -> None:
    calendar = day.calendar
    snapshot = await pull(calendar, day.desk)
    moved = await calendar.client.post(
        f"/v1/appointments/{day.booked['id']}/reschedule",
        json={"starts_at": at(time(9), DAY + timedelta(days=20))},
        headers=day.desk,
    )
    assert moved.status_code == 200, moved.text
    await calendar.apply(
        ShiftCancelled(
            shift_id=day.shift_id,
            clinic_id=calendar.id,
            staff_id=calendar.doctor,
            role="provider",
            starts_at=instant(DAY, time(8), LONDON),
            ends_at=instant(DAY, time(17), LONDON),
            local_date=DAY.isoformat(),
            time_zone="Europe/London",
            reason="Clinic closed",
        )
    )

    changes = await pull(calendar, day.desk, snapshot["cursor"])

    assert changes["kind"] == "changes"
    assert {(t["entity"], t["id"]) for t in changes["tombstones"]} == {
        ("appointment", day.booked["id"]),
        ("shift", str(day.shift_id)),
    }
    assert changes["appointments"] == changes["shifts"] == []
    assert str(day.later) not in ids(changes["shifts"])
    assert changes["availability"] == []  # complete: no shift is left in the window


async def test_a_fresh_cursor_answers_changes(calendar: Calendar) -> None:
    desk = calendar.receptionist()
    fresh = (await pull(calendar, desk))["cursor"]

    assert (await pull(calendar, desk, fresh))["kind"] == "changes"


async def test_stale_foreign_or_unreadable_cursors_answer_a_snapshot(
    calendar: Calendar, settings: Settings
) -> None:
    desk = calendar.receptionist()
    old = datetime.now(UTC) - timedelta(hours=settings.sync_cursor_max_age_hours + 1)
    window = (datetime.now(UTC).isoformat(), datetime.now(UTC).isoformat())
    stale = encode_cursor(calendar.id, 1, old.isoformat(), *window)
    foreign = encode_cursor(uuid.uuid4(), 1, datetime.now(UTC).isoformat(), *window)

    for cursor in (stale, foreign, "not-a-cursor"):
        assert (await pull(calendar, desk, cursor))["kind"] == "snapshot"


async def test_providers_pull_the_working_set_and_patients_do_not(calendar: Calendar) -> None:
    provider = calendar.issuer.headers(calendar.doctor, Membership("provider", calendar.id))
    assert (await pull(calendar, provider))["kind"] == "snapshot"

    refused = await calendar.client.get(
        f"/v1/sync/clinics/{calendar.id}",
        params={"device_id": str(uuid.uuid4())},
        headers=calendar.patient(),
    )

    assert refused.status_code == 403


async def test_reserved_starts_keep_their_buffers_inside_held_time(
    calendar: Calendar, runtime: ServiceRuntime
) -> None:
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type(step_minutes=15, buffer_after_minutes=15)
    allotment = {
        "clinic_id": str(calendar.id),
        "provider_id": str(calendar.doctor),
        "starts_at": at(time(9)),
        "ends_at": at(time(10)),
    }
    made = await calendar.client.post("/v1/allotments", json=allotment, headers=calendar.admin())
    assert made.status_code == 201, made.text
    desk = calendar.receptionist()

    snapshot = await pull(calendar, desk)

    # 09:30 would end at 10:00 but block until 10:15: it would clash through its buffer.
    nine, quarter_past = (instant(DAY, t, LONDON) for t in (time(9), time(9, 15)))
    [reserved] = snapshot["reserved"]
    assert (reserved["type_id"], reserved["provider_id"]) == (kind["id"], str(calendar.doctor))
    assert reserved["starts"] == [utc(nine), utc(quarter_past)]
    async with runtime.sessions() as session:
        clinic = await get_clinic(session, calendar.id)
        row = await session.get(AppointmentType, uuid.UUID(kind["id"]))
        assert row is not None
        window = (datetime.now(UTC), instant(DAY + timedelta(days=1), time(0), LONDON))
        [(_, _, starts)] = await reserved_starts(session, clinic, [row], window)
    assert [utc(s) for s in starts] == reserved["starts"]
    assert ids(snapshot["allotments"]) == {made.json()["id"]}


async def test_changes_older_than_any_fresh_cursor_are_pruned(
    calendar: Calendar, runtime: ServiceRuntime, settings: Settings
) -> None:
    max_age = timedelta(hours=settings.sync_cursor_max_age_hours)
    insert = text(
        "INSERT INTO booking.sync_changes (clinic_id, entity, entity_id, changed_at)"
        " VALUES (:clinic, 'appointment', :id, :at)"
    )
    old, fresh = uuid.uuid4(), uuid.uuid4()
    async with runtime.sessions() as session, session.begin():
        for entity_id, age in ((old, max_age + timedelta(hours=2)), (fresh, max_age)):
            changed_at = datetime.now(UTC) - age
            await session.execute(
                insert, {"clinic": calendar.id, "id": entity_id, "at": changed_at}
            )

    assert await prune_once(runtime.sessions, max_age) == 1

    async with runtime.sessions() as session:
        left = await session.scalars(text("SELECT entity_id FROM booking.sync_changes"))
        kept = set(left)
    assert fresh in kept
    assert old not in kept
