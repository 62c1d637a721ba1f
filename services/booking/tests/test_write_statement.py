"""A booking's row, history entry and event are one statement: each is written exactly once.

Without an Idempotency-Key the statement runs first on its own, outside any transaction; when
`ON CONFLICT DO NOTHING` takes nothing there, the booking runs again in a transaction, and
there the statement is retried in a savepoint if it takes nothing again (the slot freed
between the tries)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any
from uuid import UUID

import pytest
from booking.appointments import repository
from booking.driver_sql import _driver
from booking.driver_sql import fetch_one as driver_fetch_one
from servicekit.runtime import ServiceRuntime
from servicekit.transactions import AT_ONCE
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


Tries = list[tuple[str, bool]]


@pytest.fixture
def tries(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Tries]:
    """Spies on the booking inserts: each one's SQL and whether it ran inside a transaction
    block; the first `refused` of them take nothing, as if the slot was taken then."""

    def spy(refused: int) -> Tries:
        seen: Tries = []

        async def spied(session: Any, sql: str, *args: Any) -> Any:
            if "INSERT INTO booking.appointments" in sql:
                seen.append((sql, (await _driver(session)).is_in_transaction()))
                if len(seen) <= refused:
                    return None
            return await driver_fetch_one(session, sql, *args)

        monkeypatch.setattr(repository, "fetch_one", spied)
        return seen

    return spy


async def written_once(runtime: ServiceRuntime, staged: Staged, appointment_id: str) -> None:
    """The booking has one history entry and one staged AppointmentBooked."""
    assert await history(runtime, appointment_id) == [("book", "booked")]
    [event] = await staged("AppointmentBooked")
    assert UUID(event["appointment_id"]) == UUID(appointment_id)


def at_once(runtime: ServiceRuntime, outcome: str) -> float:
    return float(AT_ONCE.labels(runtime.name, outcome)._value.get())


async def test_a_booking_is_one_statement_outside_a_transaction(
    calendar: Calendar, kind: dict[str, Any], runtime: ServiceRuntime, tries: Callable[[int], Tries]
) -> None:
    seen = tries(0)
    written = at_once(runtime, "written")
    booked = await calendar.book(calendar.slot(kind, SOON, time(9)), calendar.patient())

    assert booked.status_code == 201, booked.text
    [(sql, in_transaction)] = seen
    assert "ON CONFLICT DO NOTHING" in sql
    assert not in_transaction
    assert at_once(runtime, "written") == written + 1


async def test_with_an_idempotency_key_the_booking_runs_in_a_transaction(
    calendar: Calendar, kind: dict[str, Any], tries: Callable[[int], Tries]
) -> None:
    seen = tries(0)
    headers = calendar.patient() | {"Idempotency-Key": "book-once-1"}
    body = calendar.slot(kind, SOON, time(9, 30))
    booked = await calendar.client.post("/v1/appointments", json=body, headers=headers)

    assert booked.status_code == 201, booked.text
    assert [in_transaction for _, in_transaction in seen] == [True]


async def test_a_refused_first_statement_leaves_the_booking_to_a_transaction(
    calendar: Calendar,
    kind: dict[str, Any],
    runtime: ServiceRuntime,
    staged: Staged,
    tries: Callable[[int], Tries],
) -> None:
    seen = tries(1)
    refused = at_once(runtime, "refused")
    booked = await calendar.book(calendar.slot(kind, SOON, time(10, 30)), calendar.patient())

    assert booked.status_code == 201, booked.text
    assert [in_transaction for _, in_transaction in seen] == [False, True]
    assert at_once(runtime, "refused") == refused + 1
    assert all("ON CONFLICT DO NOTHING" in sql for sql, _ in seen)
    await written_once(runtime, staged, booked.json()["id"])


async def test_the_retried_statement_writes_the_row_entry_and_event_once(
    calendar: Calendar,
    kind: dict[str, Any],
    runtime: ServiceRuntime,
    staged: Staged,
    tries: Callable[[int], Tries],
) -> None:
    seen = tries(2)  # outside the transaction, then its first try inside
    booked = await calendar.book(calendar.slot(kind, SOON, time(11)), calendar.patient())

    assert booked.status_code == 201, booked.text
    assert "ON CONFLICT DO NOTHING" in seen[1][0]
    assert "ON CONFLICT" not in seen[2][0]
    await written_once(runtime, staged, booked.json()["id"])


@pytest.mark.parametrize(
    ("refused", "in_transaction"),
    [(0, [False]), (1, [False, True])],
    ids=["outside-a-transaction", "left-to-a-transaction"],
)
async def test_a_hold_is_written_with_its_entry(
    calendar: Calendar,
    kind: dict[str, Any],
    runtime: ServiceRuntime,
    tries: Callable[[int], Tries],
    refused: int,
    in_transaction: list[bool],
) -> None:
    seen = tries(refused)
    body = calendar.slot(kind, SOON, time(10))
    held = await calendar.client.post("/v1/slot-holds", json=body, headers=calendar.patient())

    assert held.status_code == 201, held.text
    assert [inside for _, inside in seen] == in_transaction
    assert await history(runtime, held.json()["id"]) == [("hold", "pending")]
