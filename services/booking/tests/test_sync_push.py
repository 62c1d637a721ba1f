"""The sync push: applied, conflict, rejected and blocked outcomes, exactly once."""

from __future__ import annotations

import uuid
from datetime import time

from servicekit.auth import Membership
from sqlalchemy import text

from .sync_support import DAY, book, mutation, patient, push


async def test_a_batch_applies_books_offline_and_answers_each_mutation(calendar, runtime, staged):
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    amina, baraka = await patient(calendar), await patient(calendar, "Baraka")
    device, desk = uuid.uuid4(), calendar.receptionist()
    first = book(calendar, kind, 1, amina, time(9))
    clash = book(calendar, kind, 2, baraka, time(9))
    unknown = mutation("check_in", 3, appointment_id=uuid.uuid4())
    after_clash = mutation("cancel", 4, appointment_id=uuid.uuid4(), depends_on=[clash["id"]])
    of_clash = mutation("check_in", 5, appointment_id=clash["args"]["appointment_id"])
    batch = [of_clash, after_clash, unknown, clash, first]  # the service orders by seq

    response = await push(calendar, batch, desk, device)

    assert response.status_code == 200, response.text
    outcomes = response.json()["outcomes"]
    assert [o["status"] for o in outcomes] == [
        "applied",
        "conflict",
        "rejected",
        "blocked",
        "blocked",
    ]
    assert outcomes[0]["result"]["id"] == first["args"]["appointment_id"]
    assert outcomes[1]["problem"]["type"] == "urn:clinic:problem:slot-taken"
    assert outcomes[1]["alternatives"]
    assert outcomes[1]["conflict_id"]
    assert outcomes[2]["problem"]["status"] == 404
    assert outcomes[3]["blocked_by"] == clash["id"]
    assert outcomes[4]["blocked_by"] == clash["id"]
    [booked] = await staged("AppointmentBooked")
    assert booked["origin"] == "offline"
    assert booked["device_id"] == str(device)
    assert booked["recorded_at"] == "2026-12-07T07:55:00Z"
    [recorded] = await staged("OfflineConflictRecorded")
    assert recorded["conflict_id"] == outcomes[1]["conflict_id"]
    assert recorded["appointment_id"] == clash["args"]["appointment_id"]
    async with runtime.sessions() as session:
        origin = await session.scalar(
            text("SELECT origin FROM booking.appointments WHERE id = :id"),
            {"id": uuid.UUID(first["args"]["appointment_id"])},
        )
    assert origin == "offline"

    # The same batch again: the same answers, nothing new done.
    again = await push(calendar, batch, desk, device)

    assert again.json()["outcomes"] == outcomes
    assert len(await staged("AppointmentBooked")) == 1
    assert len(await staged("OfflineConflictRecorded")) == 1
    reused = dict(first, args=first["args"] | {"note": "changed"})
    [refused] = (await push(calendar, [reused], desk, device)).json()["outcomes"]
    assert refused["status"] == "rejected"
    assert refused["problem"]["type"] == "urn:clinic:problem:sync-mutation-reused"


async def test_a_mutation_failed_in_an_earlier_run_blocks_what_needs_it(calendar):
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    amina = await patient(calendar)
    registration = str(uuid.uuid4())  # identity's mutation, which did not apply
    needs_it = book(calendar, kind, 2, amina, time(10))
    needs_it["depends_on"] = [registration]

    response = await push(
        calendar, [needs_it], calendar.receptionist(), uuid.uuid4(), failed=[registration]
    )

    [outcome] = response.json()["outcomes"]
    assert outcome == {
        "id": needs_it["id"],
        "seq": 2,
        "status": "blocked",
        "blocked_by": registration,
    }


async def test_a_batch_for_a_clinic_the_caller_does_not_staff_is_refused_whole(calendar, runtime):
    await calendar.shift(calendar.doctor, DAY)
    kind = await calendar.new_type()
    amina = await patient(calendar)
    batch = [book(calendar, kind, 1, amina, time(9))]
    elsewhere = calendar.issuer.headers(uuid.uuid4(), Membership("receptionist", uuid.uuid4()))
    provider = calendar.issuer.headers(calendar.doctor, Membership("provider", calendar.id))

    for headers in (elsewhere, provider):
        response = await push(calendar, batch, headers, uuid.uuid4())
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    too_many = [mutation("check_in", n, appointment_id=uuid.uuid4()) for n in range(501)]
    assert (
        await push(calendar, too_many, calendar.receptionist(), uuid.uuid4())
    ).status_code == 413
    async with runtime.sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM booking.appointments")) == 0
        assert await session.scalar(text("SELECT count(*) FROM booking.sync_mutations")) == 0
