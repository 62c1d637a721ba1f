"""The sync push: applied, conflict, rejected and blocked outcomes, exactly once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from clinic_contracts.shifts import ShiftScheduled
from servicekit.auth import Membership
from servicekit.runtime import ServiceRuntime
from sqlalchemy import text

from .conftest import LONDON, Calendar
from .sync_support import DAY, Staged, book, mutation, patient, push


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Pushed:
    """A batch of five pushed once from a device: a booking, a clash with it, a change of an
    appointment nobody has, and two mutations that need the clash."""

    calendar: Calendar
    desk: dict[str, str]
    device: uuid.UUID
    batch: list[dict[str, Any]]
    first: dict[str, Any]
    clash: dict[str, Any]
    outcomes: list[dict[str, Any]]


@pytest.fixture
async def pushed(calendar: Calendar) -> Pushed:
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
    return Pushed(calendar, desk, device, batch, first, clash, response.json()["outcomes"])


async def test_a_batch_answers_each_mutation_in_seq_order(pushed: Pushed) -> None:
    outcomes, first, clash = pushed.outcomes, pushed.first, pushed.clash
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


async def test_a_booking_pushed_is_offline_as_recorded_on_the_device(
    pushed: Pushed, runtime: ServiceRuntime, staged: Staged
) -> None:
    first = pushed.first
    read = await pushed.calendar.client.get(
        f"/v1/appointments/{first['args']['appointment_id']}", headers=pushed.desk
    )

    assert (read.json()["origin"], read.json()["recorded_at"]) == ("offline", first["recorded_at"])
    [booked] = await staged("AppointmentBooked")
    assert booked["origin"] == "offline"
    assert booked["device_id"] == str(pushed.device)
    assert booked["recorded_at"] == first["recorded_at"]
    async with runtime.sessions() as session:
        origin = await session.scalar(
            text("SELECT origin FROM booking.appointments WHERE id = :id"),
            {"id": uuid.UUID(first["args"]["appointment_id"])},
        )
    assert origin == "offline"


async def test_a_clash_is_published_as_a_conflict_of_the_device_s_appointment(
    pushed: Pushed, staged: Staged
) -> None:
    [recorded] = await staged("OfflineConflictRecorded")

    assert recorded["conflict_id"] == pushed.outcomes[1]["conflict_id"]
    assert recorded["appointment_id"] == pushed.clash["args"]["appointment_id"]


async def test_the_same_batch_again_gets_the_same_answers_and_does_nothing_new(
    pushed: Pushed, staged: Staged
) -> None:
    again = await push(pushed.calendar, pushed.batch, pushed.desk, pushed.device)

    assert again.json()["outcomes"] == pushed.outcomes
    assert len(await staged("AppointmentBooked")) == 1
    assert len(await staged("OfflineConflictRecorded")) == 1


async def test_a_mutation_id_pushed_again_with_other_content_is_rejected(pushed: Pushed) -> None:
    reused = dict(pushed.first, args=pushed.first["args"] | {"note": "changed"})

    response = await push(pushed.calendar, [reused], pushed.desk, pushed.device)

    [refused] = response.json()["outcomes"]
    assert refused["status"] == "rejected"
    assert refused["problem"]["type"] == "urn:clinic:problem:sync-mutation-reused"


async def test_a_mutation_failed_in_an_earlier_run_blocks_what_needs_it(calendar: Calendar) -> None:
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


async def stored(runtime: ServiceRuntime) -> tuple[int, int]:
    """How many appointments and mutations' outcomes are stored."""
    async with runtime.sessions() as session:
        appointments = await session.scalar(text("SELECT count(*) FROM booking.appointments"))
        mutations = await session.scalar(text("SELECT count(*) FROM booking.sync_mutations"))
    return int(appointments), int(mutations)


async def test_a_batch_for_a_clinic_the_caller_does_not_staff_is_refused_whole(
    calendar: Calendar, runtime: ServiceRuntime
) -> None:
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
    assert await stored(runtime) == (0, 0)


async def test_a_batch_of_more_mutations_than_a_push_carries_is_refused_whole(
    calendar: Calendar, runtime: ServiceRuntime
) -> None:
    too_many = [mutation("check_in", n, appointment_id=uuid.uuid4()) for n in range(501)]

    response = await push(calendar, too_many, calendar.receptionist(), uuid.uuid4())

    assert response.status_code == 413
    assert await stored(runtime) == (0, 0)


async def test_changes_are_judged_as_of_when_the_device_recorded_them(calendar: Calendar) -> None:
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

    def visit(
        seq: int, patient_id: uuid.UUID, starts: datetime, recorded: datetime
    ) -> dict[str, Any]:
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
