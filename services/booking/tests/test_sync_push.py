"""The sync push: applied, conflict, rejected and blocked outcomes, exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from clinic_contracts.shifts import ShiftScheduled
from servicekit.auth import Membership
from sqlalchemy import text

from .conftest import LONDON
from .sync_support import DAY, book, mutation, patient, push


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    read = await calendar.client.get(
        f"/v1/appointments/{first['args']['appointment_id']}", headers=desk
    )
    assert (read.json()["origin"], read.json()["recorded_at"]) == ("offline", first["recorded_at"])
    assert outcomes[1]["problem"]["type"] == "urn:clinic:problem:slot-taken"
    assert outcomes[1]["alternatives"]
    assert outcomes[1]["conflict_id"]
    assert outcomes[2]["problem"]["status"] == 404
    assert outcomes[3]["blocked_by"] == clash["id"]
    assert outcomes[4]["blocked_by"] == clash["id"]
    [booked] = await staged("AppointmentBooked")
    assert booked["origin"] == "offline"
    assert booked["device_id"] == str(device)
    assert booked["recorded_at"] == first["recorded_at"]
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


async def test_changes_are_judged_as_of_when_the_device_recorded_them(calendar):
    """A walk-in recorded three hours ago is not "in the past"; a no-show marked on the
    device before the visit was due is too early; a device clock far off is refused."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    seen = now - timedelta(hours=3)
    await calendar.apply(
        ShiftScheduled(
            shift_id=uuid.uuid4(),
            clinic_id=calendar.id,
            staff_id=calendar.doctor,
            role="provider",
            starts_at=seen - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
            local_date=seen.astimezone(LONDON).date().isoformat(),
            time_zone="Europe/London",
        )
    )
    kind = await calendar.new_type()
    amina, baraka = await patient(calendar), await patient(calendar, "Baraka")
    desk, device = calendar.receptionist(), uuid.uuid4()

    def visit(seq: int, patient_id: uuid.UUID, starts: datetime, recorded: datetime):
        return mutation(
            "book",
            seq,
            appointment_id=uuid.uuid4(),
            type_id=kind["id"],
            patient_id=patient_id,
            provider_id=calendar.doctor,
            starts_at=starts.isoformat(),
            walk_in=True,
            recorded_at=utc(recorded),
        )

    walk_in = visit(1, amina, seen, seen)
    checked_in = mutation(
        "check_in", 2, appointment_id=walk_in["args"]["appointment_id"], recorded_at=utc(seen)
    )
    later = visit(3, baraka, seen + timedelta(minutes=60), seen)
    too_early = mutation(
        "no_show", 4, appointment_id=later["args"]["appointment_id"], recorded_at=utc(seen)
    )
    absent = dict(too_early, id=str(uuid.uuid4()), seq=5, recorded_at=utc(now))
    ahead = visit(6, amina, now + timedelta(minutes=30), now + timedelta(hours=1))
    stale = visit(7, baraka, now + timedelta(minutes=30), now - timedelta(days=8))

    response = await push(
        calendar, [walk_in, checked_in, later, too_early, absent, ahead, stale], desk, device
    )

    outcomes = response.json()["outcomes"]
    assert [o["status"] for o in outcomes] == [
        "applied",
        "applied",
        "applied",
        "rejected",
        "applied",
        "rejected",
        "rejected",
    ], outcomes
    assert outcomes[1]["result"]["status"] == "checked-in"
    assert outcomes[3]["problem"]["type"] == "urn:clinic:problem:too-early"
    assert outcomes[4]["result"]["status"] == "noshow"
    for refused in outcomes[5:]:
        assert refused["problem"]["type"] == "urn:clinic:problem:recorded-at-out-of-range"
    online = await calendar.book(calendar.slot(kind, DAY, time(9)) | {"starts_at": utc(seen)}, desk)
    assert online.status_code == 422  # online, the same start is in the past
