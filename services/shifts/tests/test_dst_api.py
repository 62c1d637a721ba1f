"""Generated shifts keep their local hours on the days clocks change, through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from servicekit.testing.databases import CleanServiceDatabase
from shifts.settings import Settings

from .conftest import Network

DAILY = [
    {"day": d, "starts": "08:00", "ends": "17:00", "breaks": [{"starts": "12:00", "ends": "13:00"}]}
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
]
NIGHT = {"day": "sat", "starts": "20:00", "ends": "08:00"}


@pytest.fixture
async def settings(
    clean_service_database: CleanServiceDatabase,
    kafka_bootstrap_servers: str,
    kafka_topic_prefix: str,
) -> Settings:
    # A year ahead, so the horizon holds both of next year's clock changes.
    return Settings(
        database_url=await clean_service_database("shifts"),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        kafka_topic_prefix=kafka_topic_prefix,
        horizon_weeks=53,
    )


def _window() -> tuple[date, date]:
    """The days the roster is read for: from tomorrow, 357 days, inside the 53-week horizon."""
    first = datetime.now(UTC).date() + timedelta(days=1)
    return first, first + timedelta(days=357)


def _clock_changes(zone: str) -> tuple[str, str]:
    """The next spring-forward and fall-back days of `zone` inside the window (local dates)."""
    tz = ZoneInfo(zone)
    first, last = _window()
    changes: dict[str, str] = {}
    day = first
    while day < last:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
        before = noon - timedelta(days=1)
        offset, previous = noon.utcoffset(), before.utcoffset()
        if offset is not None and previous is not None and offset != previous:
            changes.setdefault("spring" if offset > previous else "autumn", day.isoformat())
        day += timedelta(days=1)
    return changes["spring"], changes["autumn"]


async def _roster_of(
    client: httpx.AsyncClient, network: Network, zone: str
) -> dict[str, list[dict[str, Any]]]:
    clinic = await network.clinic(zone, zone)
    staff = await network.staff(f"Dr {zone}", ("provider", zone))
    body = {
        "clinic_id": str(clinic),
        "staff_id": str(staff),
        "valid_from": "2026-11-01",
        "weekly": [*DAILY, NIGHT],
    }
    response = await client.post("/v1/shift-templates", json=body, headers=network.org_admin())
    assert response.status_code == 201, response.text
    by_day: dict[str, list[dict[str, Any]]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {
            "staff_id": str(staff),
            "from": f"{_window()[0].isoformat()}T00:00:00Z",
            "to": f"{_window()[1].isoformat()}T00:00:00Z",
            "limit": 200,
            **({"cursor": cursor} if cursor else {}),
        }
        page = (await client.get("/v1/shifts", params=params, headers=network.org_admin())).json()
        for shift in page["items"]:
            by_day.setdefault(shift["local_date"], []).append(shift)
        if not (cursor := page["next_cursor"]):
            return by_day


def _hours(shift: dict[str, Any]) -> float:
    length = datetime.fromisoformat(shift["ends_at"]) - datetime.fromisoformat(shift["starts_at"])
    return length / timedelta(hours=1)


def _day_shift(shifts: list[dict[str, Any]]) -> dict[str, Any]:
    [day] = [s for s in shifts if datetime.fromisoformat(s["starts_at"]).hour == 8]
    return day


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
async def test_clock_changes_keep_local_hours(
    client: httpx.AsyncClient, network: Network, zone: str
) -> None:
    spring, autumn = _clock_changes(zone)
    roster = await _roster_of(client, network, zone)

    for day in (spring, autumn):
        shift = _day_shift(roster[day])
        starts, ends = (datetime.fromisoformat(shift[k]) for k in ("starts_at", "ends_at"))
        assert (starts.hour, ends.hour) == (8, 17), day
        assert (_hours(shift), shift["worked_hours"]) == (9.0, 8.0)
        [pause] = shift["breaks"]
        assert datetime.fromisoformat(pause["starts_at"]).hour == 12
    # Both zones change on a Sunday, so the Saturday night shift spans the change.
    saturday_before = [
        (date.fromisoformat(d) - timedelta(days=1)).isoformat() for d in (spring, autumn)
    ]
    nights = [
        next(s for s in roster[d] if datetime.fromisoformat(s["starts_at"]).hour == 20)
        for d in saturday_before
    ]
    assert [_hours(n) for n in nights] == [11.0, 13.0]
    assert all(datetime.fromisoformat(n["ends_at"]).hour == 8 for n in nights)


async def test_a_zone_without_clock_changes_has_nine_hour_days(
    client: httpx.AsyncClient, network: Network
) -> None:
    roster = await _roster_of(client, network, "Africa/Nairobi")

    days = [
        _day_shift(shifts)
        for shifts in roster.values()
        if any(datetime.fromisoformat(s["starts_at"]).hour == 8 for s in shifts)
    ]
    assert len(days) >= 355
    assert {_hours(d) for d in days} == {9.0}
    assert {datetime.fromisoformat(d["starts_at"]).utcoffset() for d in days} == {
        timedelta(hours=3)
    }
