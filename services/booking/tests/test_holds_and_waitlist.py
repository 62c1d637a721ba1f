"""Slot holds, rooms, the waitlist's timed offers, and visits flagged by roster changes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from booking.settings import Settings
from booking.waitlist.sweep import keep_sweeping, longest_pause, sweep_once
from clinic_contracts.shifts import LeaveApproved, ShiftCancelled
from servicekit.localtime import instant
from servicekit.runtime import ServiceRuntime
from servicekit.testing.fixtures import Apply
from sqlalchemy import text

from .conftest import LONDON, Calendar

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on
Staged = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app's own sweep sleeps its longest here: the tests sweep when they mean to."""
    return settings.model_copy(update={"hold_sweep_seconds": 300.0})


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type()


def at(hour: int, minute: int = 0) -> str:
    return instant(SOON, time(hour, minute), LONDON).isoformat()


async def lapse_holds(runtime: ServiceRuntime, *hold_ids: str) -> None:
    """Move the holds' expiry into the past, as if their minutes had run out."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE booking.appointments SET hold_expires_at = now() - interval '1 second'"
                " WHERE id = ANY(CAST(:ids AS uuid[]))"
            ),
            {"ids": list(hold_ids)},
        )


async def hold(
    calendar: Calendar, kind: dict[str, Any], headers: dict[str, str], start: str, **fields: Any
) -> httpx.Response:
    body = {"clinic_id": str(calendar.id), "type_id": kind["id"], "starts_at": start} | fields
    return await calendar.client.post("/v1/slot-holds", json=body, headers=headers)


async def starts(calendar: Calendar, kind: dict[str, Any]) -> set[datetime]:
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
    return {datetime.fromisoformat(s["starts_at"]) for s in response.json()["items"]}


# --- holds -------------------------------------------------------------------------------------


@dataclass
class Held:
    """Alice's hold on 09:00 with the doctor; Bob, another patient."""

    alice: dict[str, str]
    bob: dict[str, str]
    id: str
    body: dict[str, Any]


@pytest.fixture
async def held(calendar: Calendar, kind: dict[str, Any]) -> Held:
    alice, bob = calendar.patient(), calendar.patient()
    response = await hold(calendar, kind, alice, at(9), provider_id=str(calendar.doctor))
    assert response.status_code == 201, response.text
    return Held(alice, bob, response.json()["id"], response.json())


async def test_a_hold_is_pending_until_its_expiry_and_its_time_is_not_offered(
    calendar: Calendar, kind: dict[str, Any], held: Held
) -> None:
    assert held.body["status"] == "pending"
    assert datetime.fromisoformat(held.body["hold_expires_at"]) > datetime.now(UTC)
    assert datetime.fromisoformat(at(9)) not in await starts(calendar, kind)


async def test_a_held_time_is_refused_to_others_who_cannot_see_the_hold(
    calendar: Calendar, kind: dict[str, Any], held: Held
) -> None:
    taken = await calendar.book(calendar.slot(kind, SOON, time(9)), held.bob)
    seen = await calendar.client.get(f"/v1/slot-holds/{held.id}", headers=held.bob)

    assert taken.status_code == 409
    assert not seen.is_success


async def test_a_lapsed_hold_is_offered_again_and_cannot_be_confirmed(
    calendar: Calendar, kind: dict[str, Any], held: Held, runtime: ServiceRuntime
) -> None:
    await lapse_holds(runtime, held.id)

    assert datetime.fromisoformat(at(9)) in await starts(calendar, kind)
    late = await calendar.book({"hold_id": held.id}, held.alice)
    assert late.status_code == 409
    assert late.json()["type"].endswith(":hold-expired")


async def test_a_lapsed_holds_time_goes_to_the_next_booking(
    calendar: Calendar, kind: dict[str, Any], held: Held, runtime: ServiceRuntime
) -> None:
    await lapse_holds(runtime, held.id)

    bobs = await calendar.book(calendar.slot(kind, SOON, time(9)), held.bob)

    assert bobs.status_code == 201, bobs.text


async def test_the_sweep_wakes_when_a_hold_lapses_not_at_its_longest_pause(
    held: Held, runtime: ServiceRuntime
) -> None:
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE booking.appointments SET hold_expires_at = now() + interval '2 seconds'"
                " WHERE id = CAST(:id AS uuid)"
            ),
            {"id": held.id},
        )
    stop = asyncio.Event()
    sweeping = asyncio.create_task(
        keep_sweeping(runtime.sessions, stop, longest=300.0, offer_minutes=30)
    )
    try:
        # The first sweep finds it live; only waking when it lapses frees it within the bound.
        assert await released_within(runtime, held.id, seconds=60.0)
    finally:
        stop.set()
        await asyncio.wait_for(sweeping, 60.0)


def test_the_sweep_never_sleeps_longer_than_the_shortest_hold(settings: Settings) -> None:
    assert settings.hold_sweep_seconds == 300.0
    assert longest_pause(settings.model_copy(update={"hold_minutes": 2})) == 120.0
    assert longest_pause(settings.model_copy(update={"waitlist_offer_minutes": 3})) == 180.0
    assert longest_pause(settings.model_copy(update={"hold_sweep_seconds": 30.0})) == 30.0


async def released_within(runtime: ServiceRuntime, hold_id: str, *, seconds: float) -> bool:
    """Whether the hold's row was deleted within `seconds` (a bound, not a speed)."""
    end = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < end:
        async with runtime.sessions() as session:
            query = text("SELECT count(*) FROM booking.appointments WHERE id = CAST(:id AS uuid)")
            if not await session.scalar(query, {"id": hold_id}):
                return True
        await asyncio.sleep(0.1)
    return False


async def test_a_live_hold_becomes_the_booking(
    calendar: Calendar, kind: dict[str, Any], staged: Staged
) -> None:
    alice = calendar.patient()
    first = await hold(calendar, kind, alice, at(9))

    booked = await calendar.book({"hold_id": first.json()["id"]}, alice)

    assert booked.status_code == 201, booked.text
    assert booked.json()["id"] == first.json()["id"]
    assert booked.json()["status"] == "booked"
    assert datetime.fromisoformat(at(9)) not in await starts(calendar, kind)
    assert len(await staged("AppointmentBooked")) == 1


async def test_a_released_hold_frees_the_slot(calendar: Calendar, kind: dict[str, Any]) -> None:
    alice = calendar.patient()
    second = await hold(calendar, kind, alice, at(11))

    released = await calendar.client.delete(f"/v1/slot-holds/{second.json()['id']}", headers=alice)

    assert released.status_code == 204
    assert datetime.fromisoformat(at(11)) in await starts(calendar, kind)


# --- rooms -------------------------------------------------------------------------------------


async def add_room(calendar: Calendar) -> httpx.Response:
    return await calendar.client.post(
        "/v1/rooms",
        json={"clinic_id": str(calendar.id), "name": "Treatment 1"},
        headers=calendar.admin(),
    )


async def test_a_clinic_has_one_room_of_a_name(calendar: Calendar) -> None:
    assert (await add_room(calendar)).status_code == 201

    same_name = await add_room(calendar)

    assert same_name.status_code == 409


async def test_a_visit_needing_a_room_takes_a_free_one_and_rooms_cannot_double_book(
    calendar: Calendar,
) -> None:
    await calendar.shift(calendar.doctor, SOON)
    await calendar.shift(calendar.nurse, SOON)
    kind = await calendar.new_type(name="Dressing", requires_room=True)
    room = await add_room(calendar)
    assert room.status_code == 201, room.text
    anyone = calendar.slot(kind, SOON, time(9), provider_id=None)

    first = await calendar.book(anyone, calendar.patient())
    second = await calendar.book(anyone, calendar.patient())

    assert first.status_code == 201, first.text
    assert first.json()["room_id"] == room.json()["id"]
    assert second.status_code == 409  # a provider is free, but the only room is not
    assert second.json()["clash"]["with"] == "room"
    assert datetime.fromisoformat(at(9)) not in await starts(calendar, kind)


# --- the waitlist ------------------------------------------------------------------------------


@dataclass
class Waiting:
    """A patient in line: their id, headers and waitlist entry."""

    patient_id: uuid.UUID
    headers: dict[str, str]
    entry: str

    async def read(self, calendar: Calendar) -> dict[str, Any]:
        response = await calendar.client.get(f"/v1/waitlist/{self.entry}", headers=self.headers)
        assert response.status_code == 200, response.text
        entry: dict[str, Any] = response.json()
        return entry


@pytest.fixture
async def line(calendar: Calendar, kind: dict[str, Any]) -> list[Waiting]:
    """Two patients waiting, in this order, for the doctor's booked 09:00 to be cancelled."""
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())
    waiting = []
    for _ in range(2):
        patient_id = uuid.uuid4()
        headers = calendar.patient(patient_id)
        joined = await calendar.client.post(
            "/v1/waitlist",
            json={
                "clinic_id": str(calendar.id),
                "type_id": kind["id"],
                "earliest": at(0),
                "latest": at(23),
            },
            headers=headers,
        )
        assert joined.status_code == 201, joined.text
        waiting.append(Waiting(patient_id, headers, joined.json()["id"]))
    cancelled = await calendar.client.post(
        f"/v1/appointments/{booked.json()['id']}/cancel", headers=calendar.receptionist()
    )
    assert cancelled.status_code == 200
    return waiting


async def test_a_freed_slot_is_offered_to_the_first_in_line(
    calendar: Calendar, line: list[Waiting], staged: Staged
) -> None:
    first, second = line

    assert (await first.read(calendar))["status"] == "offered"
    assert (await second.read(calendar))["status"] == "waiting"
    [made] = await staged("WaitlistOfferMade")
    assert made["patient_id"] == str(first.patient_id)
    assert datetime.fromisoformat(made["starts_at"]) == datetime.fromisoformat(at(9))


async def test_a_lapsed_offer_passes_to_the_next_in_line(
    calendar: Calendar, line: list[Waiting], runtime: ServiceRuntime, staged: Staged
) -> None:
    first, second = line
    await lapse_holds(runtime, (await first.read(calendar))["hold_id"])

    await sweep_once(runtime.sessions, offer_minutes=30)

    assert (await first.read(calendar))["status"] == "lapsed"
    assert [e["patient_id"] for e in await staged("WaitlistOfferExpired")] == [
        str(first.patient_id)
    ]
    assert (await second.read(calendar))["status"] == "offered"


async def test_booking_the_offered_hold_fills_the_entry(
    calendar: Calendar, line: list[Waiting], staged: Staged
) -> None:
    first = line[0]
    offer = await first.read(calendar)

    taken = await calendar.book({"hold_id": offer["hold_id"]}, first.headers)

    assert taken.status_code == 201, taken.text
    assert taken.json()["waitlist_entry_id"] == first.entry
    assert (await first.read(calendar))["status"] == "booked"
    filled = await staged("AppointmentBooked")
    assert filled[-1]["waitlist_entry_id"] == first.entry


# --- roster changes ----------------------------------------------------------------------------


async def flagged_reasons(calendar: Calendar) -> dict[str, str]:
    flagged = await calendar.client.get(
        "/v1/appointments",
        params={"clinic_id": str(calendar.id), "needs_reschedule": "true"},
        headers=calendar.receptionist(),
    )
    return {a["id"]: a["needs_reschedule_reason"] for a in flagged.json()["items"]}


async def test_a_cancelled_shift_flags_its_visits(
    calendar: Calendar, apply: Apply, staged: Staged
) -> None:
    shift_id = await calendar.shift(calendar.doctor, SOON)
    kind = await calendar.new_type()
    nine = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())

    await apply(
        ShiftCancelled(
            shift_id=shift_id,
            clinic_id=calendar.id,
            staff_id=calendar.doctor,
            role="provider",
            starts_at=instant(SOON, time(8), LONDON),
            ends_at=instant(SOON, time(17), LONDON),
            reason="cancelled",
        )
    )

    assert await flagged_reasons(calendar) == {nine.json()["id"]: "shift_cancelled"}
    events = await staged("AppointmentNeedsReschedule")
    assert [e["appointment_id"] for e in events] == [nine.json()["id"]]


async def test_approved_leave_flags_only_the_visits_it_uncovers(
    calendar: Calendar, apply: Apply, staged: Staged
) -> None:
    later = SOON + timedelta(days=1)
    await calendar.shift(calendar.doctor, later)
    kind = await calendar.new_type()
    morning = await calendar.book(calendar.slot(kind, later, time(9)), calendar.patient())
    afternoon = await calendar.book(calendar.slot(kind, later, time(15)), calendar.patient())

    await apply(
        LeaveApproved(
            leave_id=uuid.uuid4(),
            staff_id=calendar.doctor,
            clinic_id=calendar.id,
            starts_at=instant(later, time(14), LONDON),
            ends_at=instant(later + timedelta(days=1), time(0), LONDON),
            kind="sick",
        )
    )

    assert await flagged_reasons(calendar) == {afternoon.json()["id"]: "leave_approved"}
    events = await staged("AppointmentNeedsReschedule")
    assert [e["appointment_id"] for e in events] == [afternoon.json()["id"]]
    assert morning.json()["id"] not in {e["appointment_id"] for e in events}
