"""A booking's row, history entry and event are one statement: each is written exactly once,
also when the statement is retried in a savepoint after `ON CONFLICT DO NOTHING` took nothing
(the slot freed between the two tries)."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

import pytest
from booking.appointments import repository
from booking.driver_sql import fetch_one as driver_fetch_one
from servicekit.runtime import ServiceRuntime
from sqlalchemy import text

from .conftest import SOON, Calendar, Staged


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type()


async def history(runtime: ServiceRuntime, appointment_id: str) -> list[tuple[str, str]]:
    async with runtime.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT action, status FROM booking.appointment_history"
                " WHERE appointment_id = :id ORDER BY seq"
            ),
            {"id": appointment_id},
        )
        return [(action, status) for action, status in rows]


async def test_a_booking_writes_its_row_entry_and_event_once(
    calendar: Calendar, kind: dict[str, Any], runtime: ServiceRuntime, staged: Staged
) -> None:
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())

    assert booked.status_code == 201, booked.text
    appointment_id = booked.json()["id"]
    assert await history(runtime, appointment_id) == [("book", "booked")]
    [event] = await staged("AppointmentBooked")
    assert event["appointment_id"] == appointment_id
    assert event["origin"] == "online"
    assert event["provider_id"] == str(calendar.doctor)


async def test_a_hold_writes_its_entry_with_it(
    calendar: Calendar, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    body = calendar.slot(kind, SOON, time(10))
    held = await calendar.client.post("/v1/slot-holds", json=body, headers=calendar.patient())

    assert held.status_code == 201, held.text
    assert await history(runtime, held.json()["id"]) == [("hold", "pending")]


async def test_the_retried_statement_writes_the_row_entry_and_event_once(
    calendar: Calendar,
    kind: dict[str, Any],
    runtime: ServiceRuntime,
    staged: Staged,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries: list[str] = []

    async def first_takes_nothing(session: Any, sql: str, *args: Any) -> Any:
        if "INSERT INTO booking.appointments" in sql:
            tries.append(sql)
            if len(tries) == 1:
                return None  # as if the slot was taken then and freed just after
        return await driver_fetch_one(session, sql, *args)

    monkeypatch.setattr(repository, "fetch_one", first_takes_nothing)
    booked = await calendar.book(calendar.slot(kind, SOON, time(11)), calendar.patient())

    assert booked.status_code == 201, booked.text
    assert "ON CONFLICT DO NOTHING" in tries[0]
    assert "ON CONFLICT" not in tries[1]
    appointment_id = booked.json()["id"]
    assert await history(runtime, appointment_id) == [("book", "booked")]
    [event] = await staged("AppointmentBooked")
    assert UUID(event["appointment_id"]) == UUID(appointment_id)
