"""What the roster's API tests share: a Monday ahead in London and one-off shifts at Camden."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from .conftest import Network

LONDON = ZoneInfo("Europe/London")
MONDAY = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # Monday after next


def at(day: date, hour: int, minute: int = 0) -> str:
    """The London wall-clock time on `day`, as the API takes it."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).isoformat()


def instant(text: str) -> datetime:
    """An instant the API wrote, for comparing whatever its offset."""
    return datetime.fromisoformat(text)


async def one_off(
    client: httpx.AsyncClient,
    network: Network,
    staff: str = "Dr Patel",
    day: date = MONDAY,
    start: int = 8,
    end: int = 17,
    **extra: Any,
) -> httpx.Response:
    """Camden's admin adds a one-off provider shift from `start` to `end` o'clock on `day`."""
    body = {
        "clinic_id": str(network.clinics["Camden"]),
        "staff_id": str(network.people[staff]),
        "role": "provider",
        "starts_at": at(day, start),
        "ends_at": at(day, end),
        **extra,
    }
    return await client.post("/v1/shifts", json=body, headers=network.as_("Admin"))
