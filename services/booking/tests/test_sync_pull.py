"""The sync pull: a snapshot, then changes with tombstones; stale cursors answer a snapshot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from clinic_contracts.shifts import ShiftCancelled
from servicekit.auth import Membership
from servicekit.localtime import instant
from servicekit.pagination import encode_cursor

from .conftest import LONDON
from .sync_support import DAY, at, patient


async def pull(calendar, headers, cursor=None):
    params = {"device_id": str(uuid.uuid4())} | ({"cursor": cursor} if cursor else {})
    response = await calendar.client.get(
        f"/v1/sync/clinics/{calendar.id}", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def ids(items):
    return {item["id"] for item in items}


async def test_a_snapshot_then_changes_with_tombstones(calendar):
    shift_id = await calendar.shift(calendar.doctor, DAY)
    later = await calendar.shift(calendar.doctor, DAY + timedelta(days=20))
    kind = await calendar.new_type()
    amina = await patient(calendar)
    desk = calendar.receptionist()
    body = calendar.slot(kind, DAY, time(9), patient_id=str(amina))
    booked = (await calendar.book(body, desk)).json()

    snapshot = await pull(calendar, desk)

    assert snapshot["kind"] == "snapshot"
    assert snapshot["tombstones"] == []
    assert ids(snapshot["appointments"]) == {booked["id"]}
    assert snapshot["patients"] == [
        {"id": str(amina), "full_name": "Amina Odhiambo", "phone": "+254712345678"}
    ]
    assert ids(snapshot["providers"]) == {str(calendar.doctor), str(calendar.nurse)}
    assert ids(snapshot["shifts"]) == {str(shift_id)}  # the later one is out of the window
    assert ids(snapshot["types"]) == {kind["id"]}
    [free] = snapshot["availability"]
    assert free["provider_id"] == str(calendar.doctor)
    nine, ten = (
        instant(DAY, t, LONDON).strftime("%Y-%m-%dT%H:%M:%SZ") for t in (time(9), time(10))
    )
    assert ten in free["starts"]
    assert nine not in free["starts"]
    assert snapshot["open_conflicts"] == 0

    unchanged = await pull(calendar, desk, snapshot["cursor"])
    assert unchanged["kind"] == "changes"
    assert unchanged["appointments"] == unchanged["tombstones"] == unchanged["providers"] == []
    moved = await calendar.client.post(
        f"/v1/appointments/{booked['id']}/reschedule",
        json={"starts_at": at(time(9), DAY + timedelta(days=20))},
        headers=desk,
    )
    assert moved.status_code == 200, moved.text
    await calendar.apply(
        ShiftCancelled(
            shift_id=shift_id,
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

    changes = await pull(calendar, desk, unchanged["cursor"])

    assert changes["kind"] == "changes"
    assert {(t["entity"], t["id"]) for t in changes["tombstones"]} == {
        ("appointment", booked["id"]),
        ("shift", str(shift_id)),
    }
    assert changes["appointments"] == changes["shifts"] == []
    assert str(later) not in ids(changes["shifts"])
    assert changes["availability"] == []  # complete: no shift is left in the window


async def test_stale_foreign_or_unreadable_cursors_answer_a_snapshot(calendar, settings):
    desk = calendar.receptionist()
    fresh = (await pull(calendar, desk))["cursor"]
    old = datetime.now(UTC) - timedelta(hours=settings.sync_cursor_max_age_hours + 1)
    window = (datetime.now(UTC).isoformat(), datetime.now(UTC).isoformat())
    stale = encode_cursor(calendar.id, 1, old.isoformat(), *window)
    foreign = encode_cursor(uuid.uuid4(), 1, datetime.now(UTC).isoformat(), *window)

    assert (await pull(calendar, desk, fresh))["kind"] == "changes"
    for cursor in (stale, foreign, "not-a-cursor"):
        assert (await pull(calendar, desk, cursor))["kind"] == "snapshot"
    provider = calendar.issuer.headers(calendar.doctor, Membership("provider", calendar.id))
    assert (await pull(calendar, provider))["kind"] == "snapshot"
    refused = await calendar.client.get(
        f"/v1/sync/clinics/{calendar.id}",
        params={"device_id": str(uuid.uuid4())},
        headers=calendar.patient(),
    )
    assert refused.status_code == 403
