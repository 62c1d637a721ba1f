"""Slot holds, rooms, the waitlist's timed offers, and visits flagged by roster changes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from booking.waitlist.sweep import sweep_once
from clinic_contracts.shifts import LeaveApproved, ShiftCancelled
from servicekit.localtime import instant
from sqlalchemy import text

from .conftest import LONDON

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on


@pytest.fixture
async def kind(calendar):
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type()


def at(hour: int, minute: int = 0) -> str:
    return instant(SOON, time(hour, minute), LONDON).isoformat()


async def lapse_holds(runtime, *hold_ids: str) -> None:
    """Move the holds' expiry into the past, as if their minutes had run out."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE booking.appointments SET hold_expires_at = now() - interval '1 second'"
                " WHERE id = ANY(CAST(:ids AS uuid[]))"
            ),
            {"ids": list(hold_ids)},
        )


async def hold(calendar, kind, headers, start: str, **fields):
    body = {"clinic_id": str(calendar.id), "type_id": kind["id"], "starts_at": start} | fields
    return await calendar.client.post("/v1/slot-holds", json=body, headers=headers)


async def starts(calendar, kind) -> set[str]:
    response = await calendar.client.get(
        "/v1/slots",
        params={
            "clinic_id": str(calendar.id),
            "type_id": kind["id"],
            "from": at(0),
            "to": at(23),
            "limit": 200,
        },
    )
    return {s["starts_at"] for s in response.json()["items"]}


async def test_a_held_slot_is_kept_for_its_holder_until_the_hold_lapses(calendar, kind, runtime):
    alice, bob = calendar.patient(), calendar.patient()

    held = await hold(calendar, kind, alice, at(9), provider_id=str(calendar.doctor))
    assert held.status_code == 201, held.text
    assert held.json()["status"] == "pending"
    assert datetime.fromisoformat(held.json()["hold_expires_at"]) > datetime.now(UTC)
    offered = {datetime.fromisoformat(s) for s in await starts(calendar, kind)}
    assert datetime.fromisoformat(at(9)) not in offered
    taken = await calendar.book(calendar.slot(kind, SOON, time(9)), bob)
    assert taken.status_code == 409
    assert not (
        await calendar.client.get(f"/v1/slot-holds/{held.json()['id']}", headers=bob)
    ).is_success

    await lapse_holds(runtime, held.json()["id"])

    assert datetime.fromisoformat(at(9)) in {
        datetime.fromisoformat(s) for s in await starts(calendar, kind)
    }
    late = await calendar.book({"hold_id": held.json()["id"]}, alice)
    assert late.status_code == 409
    assert late.json()["type"].endswith(":hold-expired")
    bobs = await calendar.book(calendar.slot(kind, SOON, time(9)), bob)
    assert bobs.status_code == 201, bobs.text


async def test_a_live_hold_becomes_the_booking_and_a_released_one_frees_the_slot(
    calendar, kind, staged
):
    alice = calendar.patient()
    first = await hold(calendar, kind, alice, at(9))
    second = await hold(calendar, kind, alice, at(11))

    booked = await calendar.book({"hold_id": first.json()["id"]}, alice)
    released = await calendar.client.delete(f"/v1/slot-holds/{second.json()['id']}", headers=alice)

    assert booked.status_code == 201, booked.text
    assert booked.json()["id"] == first.json()["id"]
    assert booked.json()["status"] == "booked"
    assert released.status_code == 204
    offered = {datetime.fromisoformat(s) for s in await starts(calendar, kind)}
    assert datetime.fromisoformat(at(11)) in offered
    assert datetime.fromisoformat(at(9)) not in offered
    assert len(await staged("AppointmentBooked")) == 1


async def test_a_visit_needing_a_room_takes_a_free_one_and_rooms_cannot_double_book(calendar):
    await calendar.shift(calendar.doctor, SOON)
    await calendar.shift(calendar.nurse, SOON)
    kind = await calendar.new_type(name="Dressing", requires_room=True)
    room = await calendar.client.post(
        "/v1/rooms",
        json={"clinic_id": str(calendar.id), "name": "Treatment 1"},
        headers=calendar.admin(),
    )
    assert room.status_code == 201, room.text
    same_name = await calendar.client.post(
        "/v1/rooms",
        json={"clinic_id": str(calendar.id), "name": "Treatment 1"},
        headers=calendar.admin(),
    )
    anyone = calendar.slot(kind, SOON, time(9), provider_id=None)

    first = await calendar.book(anyone, calendar.patient())
    second = await calendar.book(anyone, calendar.patient())

    assert same_name.status_code == 409
    assert first.status_code == 201, first.text
    assert first.json()["room_id"] == room.json()["id"]
    assert second.status_code == 409  # a provider is free, but the only room is not
    assert second.json()["clash"]["with"] == "room"
    assert at(9) not in await starts(calendar, kind)


async def test_a_freed_slot_is_offered_down_the_waitlist_until_someone_takes_it(
    calendar, kind, runtime, staged
):
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())
    waiting = []
    for _ in range(2):
        patient_id = uuid.uuid4()
        joined = await calendar.client.post(
            "/v1/waitlist",
            json={
                "clinic_id": str(calendar.id),
                "type_id": kind["id"],
                "earliest": at(0),
                "latest": at(23),
            },
            headers=calendar.patient(patient_id),
        )
        assert joined.status_code == 201, joined.text
        waiting.append((patient_id, joined.json()["id"]))
    (first_id, first_entry), (second_id, second_entry) = waiting

    cancelled = await calendar.client.post(
        f"/v1/appointments/{booked.json()['id']}/cancel", headers=calendar.receptionist()
    )
    assert cancelled.status_code == 200
    offer = (
        await calendar.client.get(f"/v1/waitlist/{first_entry}", headers=calendar.patient(first_id))
    ).json()
    assert offer["status"] == "offered"
    [made] = await staged("WaitlistOfferMade")
    assert made["patient_id"] == str(first_id)
    assert datetime.fromisoformat(made["starts_at"]) == datetime.fromisoformat(at(9))

    await lapse_holds(runtime, offer["hold_id"])
    await sweep_once(runtime.sessions, offer_minutes=30)

    lapsed = await calendar.client.get(
        f"/v1/waitlist/{first_entry}", headers=calendar.patient(first_id)
    )
    assert lapsed.json()["status"] == "lapsed"
    assert [e["patient_id"] for e in await staged("WaitlistOfferExpired")] == [str(first_id)]
    second = calendar.patient(second_id)
    passed = (await calendar.client.get(f"/v1/waitlist/{second_entry}", headers=second)).json()
    assert passed["status"] == "offered"
    taken = await calendar.book({"hold_id": passed["hold_id"]}, second)
    assert taken.status_code == 201, taken.text
    assert taken.json()["waitlist_entry_id"] == second_entry
    done = await calendar.client.get(f"/v1/waitlist/{second_entry}", headers=second)
    assert done.json()["status"] == "booked"
    filled = await staged("AppointmentBooked")
    assert filled[-1]["waitlist_entry_id"] == second_entry


async def test_a_cancelled_shift_or_leave_flags_the_visits_it_uncovers(calendar, apply, staged):
    shift_id = await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    nine = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())
    later = SOON + timedelta(days=1)
    await calendar.shift(calendar.doctor, later)
    morning = await calendar.book(calendar.slot(kind, later, time(9)), calendar.patient())
    afternoon = await calendar.book(calendar.slot(kind, later, time(15)), calendar.patient())

    await apply(
        ShiftCancelled(
            shift_id=shift_id,
            clinic_id=calendar.id,
            staff_id=calendar.doctor,
            role="provider",
            starts_at=instant(SOON, time(8), LONDON),
            ends_at=instant(SOON, time(17), LONDON),
            reason="cancelled",
        ),
        LeaveApproved(
            leave_id=uuid.uuid4(),
            staff_id=calendar.doctor,
            clinic_id=calendar.id,
            starts_at=instant(later, time(14), LONDON),
            ends_at=instant(later + timedelta(days=1), time(0), LONDON),
            kind="sick",
        ),
    )

    flagged = await calendar.client.get(
        "/v1/appointments",
        params={"clinic_id": str(calendar.id), "needs_reschedule": "true"},
        headers=calendar.receptionist(),
    )
    assert {a["id"]: a["needs_reschedule_reason"] for a in flagged.json()["items"]} == {
        nine.json()["id"]: "shift_cancelled",
        afternoon.json()["id"]: "leave_approved",
    }
    events = await staged("AppointmentNeedsReschedule")
    assert sorted(e["appointment_id"] for e in events) == sorted(
        [nine.json()["id"], afternoon.json()["id"]]
    )
    assert morning.json()["id"] not in {e["appointment_id"] for e in events}
