"""A booking that PostgreSQL ends with a real deadlock is run again and answers 201 or 409.

The deadlock is provoked deterministically. A second transaction (the test's, `rival`)
holds an uncommitted appointment of the doctor at 09:00; the booking request claims its
Idempotency-Key and is held back by a table lock (`gate`) before it reaches its insert; the
rival then tries to claim the same key and so waits for the booking; the gate opens and the
booking's insert, through the service's own code, waits on the exclusion constraint for the
rival's appointment. Each waits for the other: PostgreSQL detects the deadlock in the
booking's backend (the rival's deadlock_timeout is set far out) and ends its transaction.
Without the retry that is a 500; with it, the request runs again in a fresh transaction.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

import asyncpg
import httpx
import pytest
from booking.settings import Settings
from servicekit.db import asyncpg_dsn
from servicekit.localtime import instant
from servicekit.runtime import ServiceRuntime
from servicekit.testing.databases import ServiceDatabases
from servicekit.transactions import TRANSACTION_RETRIES
from sqlalchemy import text

from .conftest import LONDON, Calendar

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on
DEADLINE_SECONDS = 60.0
RIVAL_APPOINTMENT = """
INSERT INTO booking.appointments (id, clinic_id, type_id, provider_id, patient_id, status,
    starts_at, ends_at, blocked_from, blocked_until, booked_by, booked_at, created_by)
VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7, $6, $7, 'clinic', now(), $5)
"""


Staged = Callable[..., Awaitable[list[dict[str, Any]]]]
Connect = Callable[[], Awaitable[asyncpg.Connection]]


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type(duration_minutes=30)


@pytest.fixture
async def connect(settings: Settings, service_database: ServiceDatabases) -> AsyncIterator[Connect]:
    """Superuser connections to the test database (the rival sets its deadlock_timeout)."""
    opened: list[asyncpg.Connection] = []

    async def connect() -> asyncpg.Connection:
        dsn = asyncpg_dsn(service_database.admin_url, service_database.database)
        opened.append(await asyncpg.connect(dsn))
        return opened[-1]

    yield connect
    for connection in opened:
        await connection.close()


async def until(watcher: asyncpg.Connection, sql: str, *args: object) -> None:
    """Wait until `sql` answers true (a lock wait has begun), or fail after the deadline."""
    end = time.monotonic() + DEADLINE_SECONDS
    while not await watcher.fetchval(sql, *args):
        assert time.monotonic() < end, f"still false after {DEADLINE_SECONDS:.0f} s: {sql}"
        await asyncio.sleep(0.02)


GATED = """
SELECT count(*) > 0 FROM pg_locks
WHERE NOT granted AND locktype = 'relation' AND relation = 'booking.appointment_types'::regclass
"""
WAITING = "SELECT count(*) > 0 FROM pg_locks WHERE NOT granted AND pid = $1"


def deadlocks_retried() -> float:
    return float(TRANSACTION_RETRIES.labels("booking", "deadlock")._value.get())


Send = Callable[[dict[str, str]], Coroutine[Any, Any, httpx.Response]]


async def through_deadlock(
    calendar: Calendar,
    kind: dict[str, Any],
    connect: Connect,
    patient: uuid.UUID,
    send: Send,
    rival_wins: bool,
) -> tuple[httpx.Response, dict[str, str]]:
    """`send(headers)` a request taking the doctor at 09:00 through the deadlock above.

    The rival's appointment stays (committed) when `rival_wins`, else it is rolled back.
    Returns the response and the headers (with the Idempotency-Key) it was sent with.
    """
    key = f"deadlock-{uuid.uuid4()}"
    headers = calendar.patient(patient) | {"Idempotency-Key": key}
    rival, gate, watcher = await connect(), await connect(), await connect()
    await rival.execute("BEGIN")
    await rival.execute("SET LOCAL deadlock_timeout = '10min'")
    starts = instant(SOON, clock(9), LONDON)
    await rival.execute(
        RIVAL_APPOINTMENT,
        uuid.uuid4(),
        calendar.id,
        uuid.UUID(kind["id"]),
        calendar.doctor,
        uuid.uuid4(),
        starts,
        starts + timedelta(minutes=30),
    )
    await gate.execute("BEGIN; LOCK TABLE booking.appointment_types IN ACCESS EXCLUSIVE MODE")

    request = asyncio.create_task(send(headers))
    await until(watcher, GATED)  # the key is claimed; the request waits at the gate
    await rival.execute("SAVEPOINT key")
    claim = asyncio.create_task(
        rival.execute(
            "INSERT INTO booking.idempotency_keys (scope, key, request_hash) VALUES ($1, $2, 'x')",
            f"user:{patient}",
            key,
        )
    )
    await until(watcher, WAITING, rival.get_server_pid())  # the rival waits for the request
    await gate.execute("ROLLBACK")  # the request's write now waits for the rival: deadlock

    await asyncio.wait_for(claim, DEADLINE_SECONDS)  # the request's transaction was ended...
    assert not request.done()  # ...while the request goes on (waiting for the rival's claim)
    if rival_wins:
        await rival.execute("ROLLBACK TO SAVEPOINT key; COMMIT")
    else:
        await rival.execute("ROLLBACK")
    return await asyncio.wait_for(request, DEADLINE_SECONDS), headers


def at_nine(calendar: Calendar, kind: dict[str, Any]) -> dict[str, Any]:
    return calendar.slot(kind, SOON, clock(9))


async def booking(calendar: Calendar, kind: dict[str, Any], patient: uuid.UUID) -> Send:
    return lambda headers: calendar.book(at_nine(calendar, kind), headers)


async def holding(calendar: Calendar, kind: dict[str, Any], patient: uuid.UUID) -> Send:
    return lambda headers: calendar.client.post(
        "/v1/slot-holds", json=at_nine(calendar, kind), headers=headers
    )


async def rescheduling(calendar: Calendar, kind: dict[str, Any], patient: uuid.UUID) -> Send:
    """Move the patient's 11:00 visit to 09:00."""
    eleven = calendar.slot(kind, SOON, clock(11))
    booked = await calendar.book(eleven, calendar.patient(patient))
    assert booked.status_code == 201, booked.text
    url = f"/v1/appointments/{booked.json()['id']}/reschedule"
    body = {"starts_at": at_nine(calendar, kind)["starts_at"]}
    return lambda headers: calendar.client.post(url, json=body, headers=headers)


Make = Callable[[Calendar, dict[str, Any], uuid.UUID], Awaitable[Send]]
ROUTES: dict[str, tuple[Make, int]] = {
    "book": (booking, 201),
    "hold": (holding, 201),
    "reschedule": (rescheduling, 200),
}


@pytest.mark.parametrize("route", list(ROUTES))
async def test_a_deadlocked_request_runs_again_and_takes_the_time(
    calendar: Calendar,
    kind: dict[str, Any],
    connect: Connect,
    runtime: ServiceRuntime,
    route: str,
) -> None:
    make, success = ROUTES[route]
    patient = uuid.uuid4()
    send = await make(calendar, kind, patient)
    before = deadlocks_retried()

    response, headers = await through_deadlock(
        calendar, kind, connect, patient, send, rival_wins=False
    )

    assert response.status_code == success, response.text
    assert deadlocks_retried() == before + 1
    starts = datetime.fromisoformat(response.json()["starts_at"])
    assert starts == instant(SOON, clock(9), LONDON)
    assert await active_at_nine(runtime, calendar) == [response.json()["id"]]
    replay = await send(headers)  # the key's one committed answer
    assert replay.status_code == success
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == response.json()["id"]


async def test_a_deadlocked_booking_publishes_one_event(
    calendar: Calendar, kind: dict[str, Any], connect: Connect, staged: Staged
) -> None:
    patient = uuid.uuid4()

    response, _ = await through_deadlock(
        calendar, kind, connect, patient, await booking(calendar, kind, patient), False
    )

    assert response.status_code == 201, response.text
    booked = [e["appointment_id"] for e in await staged("AppointmentBooked")]
    assert booked == [response.json()["id"]]


@pytest.mark.parametrize("route", ["book", "reschedule"])
async def test_a_deadlocked_request_whose_time_was_taken_meanwhile_is_a_409(
    calendar: Calendar, kind: dict[str, Any], connect: Connect, route: str
) -> None:
    make = ROUTES[route][0]
    patient = uuid.uuid4()
    send = await make(calendar, kind, patient)
    before = deadlocks_retried()

    response, _ = await through_deadlock(calendar, kind, connect, patient, send, rival_wins=True)

    assert response.status_code == 409, response.text
    assert response.json()["type"] == "urn:clinic:problem:slot-taken"
    assert response.json()["clash"]["with"] == "provider"
    assert deadlocks_retried() == before + 1


async def active_at_nine(runtime: ServiceRuntime, calendar: Calendar) -> list[str]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            text(
                "SELECT id FROM booking.appointments WHERE provider_id = :doctor"
                " AND starts_at = :nine AND status IN ('pending', 'booked')"
            ),
            {"doctor": calendar.doctor, "nine": instant(SOON, clock(9), LONDON)},
        )
        return [str(row) for row in rows]
