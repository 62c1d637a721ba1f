"""The conflict inbox: listed for the clinic's staff, resolved once, by booking or giving up."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from .sync_support import DAY, book, patient, push


async def conflict(calendar, kind, desk, clock=time(9)) -> tuple[dict, dict]:
    """A time booked online, then the same time pushed from a device: the conflict's outcome."""
    taken = calendar.slot(kind, DAY, clock, patient_id=str(uuid.uuid4()))
    assert (await calendar.book(taken, desk)).status_code == 201
    offline = book(calendar, kind, 1, await patient(calendar), clock)
    [outcome] = (await push(calendar, [offline], desk, uuid.uuid4())).json()["outcomes"]
    assert outcome["status"] == "conflict", outcome
    return offline, outcome


async def test_staff_book_an_alternative_under_the_device_s_appointment_id(calendar, staged):
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    desk = calendar.receptionist()
    offline, outcome = await conflict(calendar, kind, desk)
    url = f"/v1/sync/clinics/{calendar.id}/conflicts"

    listed = (await calendar.client.get(url, params={"status": "open"}, headers=desk)).json()
    [item] = listed["items"]
    assert item["id"] == outcome["conflict_id"]
    assert item["patient_name"] == "Amina Odhiambo"
    assert item["appointment_id"] == offline["args"]["appointment_id"]
    alternative = outcome["alternatives"][0]["starts_at"]

    resolved = await calendar.client.post(
        f"/v1/sync/conflicts/{item['id']}/resolve",
        json={"action": "book", "starts_at": alternative},
        headers=desk,
    )

    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution"] == "booked"
    booked = await calendar.client.get(
        f"/v1/appointments/{offline['args']['appointment_id']}", headers=desk
    )
    assert datetime.fromisoformat(booked.json()["starts_at"]) == datetime.fromisoformat(alternative)
    again = await calendar.client.post(
        f"/v1/sync/conflicts/{item['id']}/resolve", json={"action": "cancel"}, headers=desk
    )
    assert again.status_code == 409
    assert again.json()["type"] == "urn:clinic:problem:conflict-resolved"
    assert (await calendar.client.get(url, params={"status": "open"}, headers=desk)).json()[
        "items"
    ] == []
    [event] = await staged("OfflineConflictResolved")
    assert event["resolution"] == "booked"


async def test_giving_up_publishes_the_resolution_for_the_patient_to_be_told(calendar, staged):
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    desk = calendar.receptionist()
    _, outcome = await conflict(calendar, kind, desk)

    resolved = await calendar.client.post(
        f"/v1/sync/conflicts/{outcome['conflict_id']}/resolve",
        json={"action": "cancel", "reason": "Patient will call back"},
        headers=desk,
    )

    assert resolved.status_code == 200, resolved.text
    [event] = await staged("OfflineConflictResolved")
    assert event["resolution"] == "cancelled"
    assert event["conflict_id"] == outcome["conflict_id"]
