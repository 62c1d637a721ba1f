"""No double booking under load: 200 patients at once for one slot, in one or two processes.

Every answer must be 201 (exactly one) or 409: a 500 (say, a deadlock between two inserts
checking the exclusion constraint, not run again) or a 503 (retries given up) is a failure.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, time, timedelta
from typing import Any

import httpx
import pytest
from booking.settings import Settings
from servicekit.localtime import instant
from servicekit.runtime import ServiceRuntime
from servicekit.testing.issuer import TokenIssuer
from servicekit.testing.processes import jwks_server, service_process
from sqlalchemy import text

from .conftest import LONDON, Calendar

SOON = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday two weeks on
PATIENTS = 200
Request = tuple[dict[str, Any], dict[str, str]]


@pytest.fixture
async def kind(calendar: Calendar) -> dict[str, Any]:
    await calendar.shift(calendar.doctor, SOON)
    return await calendar.new_type(duration_minutes=30, step_minutes=5)


def requests(calendar: Calendar, kind: dict[str, Any], minutes: list[int]) -> list[Request]:
    """One (body, headers) per patient, each at 09:00 + minutes[i % len(minutes)]."""
    return [
        (
            calendar.slot(kind, SOON, time(9))
            | {"starts_at": instant(SOON, time(9, minutes[i % len(minutes)]), LONDON).isoformat()},
            calendar.patient(),
        )
        for i in range(PATIENTS)
    ]


async def rows_and_events(runtime: ServiceRuntime) -> tuple[int, int]:
    async with runtime.sessions() as session:
        rows = await session.scalar(
            text("SELECT count(*) FROM booking.appointments WHERE status = 'booked'")
        )
        events = await session.scalar(
            text("SELECT count(*) FROM booking.outbox WHERE event_type = 'AppointmentBooked'")
        )
    return int(rows or 0), int(events or 0)


async def fire(clients: list[httpx.AsyncClient], batch: list[Request]) -> Counter[int]:
    gate = asyncio.Event()

    async def one(i: int, body: dict[str, Any], headers: dict[str, str]) -> int:
        await gate.wait()
        response = await clients[i % len(clients)].post(
            "/v1/appointments", json=body, headers=headers
        )
        if response.status_code == 409:
            assert response.json()["clash"]["with"] == "provider"
        return response.status_code

    tasks = [asyncio.create_task(one(i, b, h)) for i, (b, h) in enumerate(batch)]
    await asyncio.sleep(0.05)
    gate.set()
    return Counter(await asyncio.gather(*tasks))


def assert_one_booked_and_the_rest_refused(codes: Counter[int]) -> None:
    others = {code: n for code, n in codes.items() if code not in (201, 409)}
    assert others == {}, f"answers other than 201 and 409: {others}"
    assert codes == {201: 1, 409: PATIENTS - 1}


async def test_two_hundred_patients_for_one_slot_get_one_booking(
    calendar: Calendar, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    codes = await fire([calendar.client], requests(calendar, kind, [0]))

    assert_one_booked_and_the_rest_refused(codes)
    assert await rows_and_events(runtime) == (1, 1)


async def test_overlapping_not_equal_starts_are_caught_too(
    calendar: Calendar, kind: dict[str, Any], runtime: ServiceRuntime
) -> None:
    # 09:00, 09:05, ..., 09:25: every 30-minute visit overlaps every other one.
    codes = await fire([calendar.client], requests(calendar, kind, [0, 5, 10, 15, 20, 25]))

    assert_one_booked_and_the_rest_refused(codes)
    assert await rows_and_events(runtime) == (1, 1)


async def test_two_booking_processes_still_give_one_booking(
    calendar: Calendar,
    kind: dict[str, Any],
    runtime: ServiceRuntime,
    settings: Settings,
    issuer: TokenIssuer,
) -> None:
    with (
        jwks_server(issuer.jwks()) as jwks_url,
        service_process("booking", settings, issuer, jwks_url) as first,
        service_process("booking", settings, issuer, jwks_url) as second,
    ):
        limits = httpx.Limits(max_connections=PATIENTS)
        async with (
            httpx.AsyncClient(base_url=first, limits=limits, timeout=60) as one,
            httpx.AsyncClient(base_url=second, limits=limits, timeout=60) as two,
        ):
            codes = await fire([one, two], requests(calendar, kind, [0, 10, 20]))

    assert_one_booked_and_the_rest_refused(codes)
    assert await rows_and_events(runtime) == (1, 1)
