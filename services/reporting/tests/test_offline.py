"""Offline sync in the figures: bookings by origin and offline conflicts per day, in JSON, CSV,
after a rebuild and in the metrics."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from clinic_contracts.booking import OfflineConflictRecorded, OfflineConflictResolved
from prometheus_client import REGISTRY

from .activity import ClinicActivity
from .conftest import Apply, Headers, Rebuilt, Summary

WEEK = {"from": "2026-02-23", "to": "2026-03-01"}
NEW_COLUMNS = [
    "booked_online",
    "booked_offline",
    "conflicts_recorded",
    "conflicts_open",
    "conflicts_resolved_booked",
    "conflicts_resolved_waitlisted",
    "conflicts_resolved_cancelled",
]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@dataclass
class OfflineWeek:
    clinic: ClinicActivity
    p1: uuid.UUID
    p2: uuid.UUID
    t1: uuid.UUID
    t2: uuid.UUID


def conflict(
    k: ClinicActivity,
    type_id: uuid.UUID,
    start: str,
    *,
    recorded: str,
    resolved: tuple[str, str, str] | None = None,
) -> None:
    """A conflict asking for `start`; `resolved` is (resolution, when, the time it names)."""
    fields: dict[str, Any] = {
        "conflict_id": uuid.uuid4(),
        "clinic_id": k.id,
        "device_id": uuid.uuid4(),
        "patient_id": uuid.uuid4(),
        "type_id": type_id,
        "type_name": "Consultation",
        "kind": "book",
        "appointment_id": uuid.uuid4(),
        "starts_at": k.at(start),
        "ends_at": k.at(start),
        "time_zone": k.zone,
    }
    k.emit(OfflineConflictRecorded(**fields, recorded_at=k.at(recorded)), k.at(recorded))
    if resolved is not None:
        resolution, when, named = resolved
        at = {"starts_at": k.at(named), "ends_at": k.at(named)}
        resolution_event = OfflineConflictResolved(
            **fields | at, resolution=resolution, resolved_by=uuid.uuid4()
        )
        k.emit(resolution_event, k.at(when))


def offline_week() -> OfflineWeek:
    k = ClinicActivity("Africa/Nairobi", "Loiyangalani").open()
    p1, p2, t1, t2 = (uuid.uuid4() for _ in range(4))
    device: dict[str, Any] = {"origin": "offline", "device_id": uuid.uuid4()}
    k.book(p1, t1, "2026-02-23 09:00", booked="2026-02-20 09:00")
    k.book(p1, t1, "2026-02-23 10:00", booked="2026-02-23 08:00", **device)
    k.book(p2, t2, "2026-02-23 11:00", booked="2026-02-23 08:05", walk_in=True, **device)
    offline = k.book(p2, t1, "2026-02-24 09:00", booked="2026-02-23 08:10", **device)
    k.cancel(offline, "clinic", when="2026-02-23 12:00")  # cancelled: still booked offline
    k.book(p1, t2, "2026-02-24 10:00", booked="2026-02-21 10:00")
    # Mon: booked elsewhere, the resolution naming the new time (Thursday); cancelled.
    # Tue: waitlisted; one still open. Wed (type 2): cancelled.
    conflict(
        k,
        t1,
        "2026-02-23 10:00",
        recorded="2026-02-23 07:50",
        resolved=("booked", "2026-02-23 12:00", "2026-02-26 10:00"),
    )
    conflict(
        k,
        t1,
        "2026-02-23 10:00",
        recorded="2026-02-23 07:55",
        resolved=("cancelled", "2026-02-23 12:05", "2026-02-23 10:00"),
    )
    conflict(
        k,
        t1,
        "2026-02-24 09:00",
        recorded="2026-02-23 08:00",
        resolved=("waitlisted", "2026-02-23 12:10", "2026-02-24 09:00"),
    )
    conflict(k, t1, "2026-02-24 09:30", recorded="2026-02-23 08:01")
    conflict(
        k,
        t2,
        "2026-02-25 09:00",
        recorded="2026-02-23 08:02",
        resolved=("cancelled", "2026-02-23 12:15", "2026-02-25 09:00"),
    )
    return OfflineWeek(k, p1, p2, t1, t2)


# (booked, online, offline, recorded, open, resolved booked, waitlisted, cancelled)
BY_DAY = {
    "2026-02-23": (3, 1, 2, 2, 0, 1, 0, 1),
    "2026-02-24": (2, 1, 1, 2, 1, 0, 1, 0),
    "2026-02-25": (0, 0, 0, 1, 0, 0, 0, 1),
    "2026-02-26": (0, 0, 0, 0, 0, 0, 0, 0),  # the new time of the booked conflict: not here
}
TOTALS = (5, 2, 3, 5, 1, 1, 1, 2)
COLUMNS = ("booked", *NEW_COLUMNS)


def counts(row: dict[str, Any]) -> tuple[int, ...]:
    return tuple(int(row[c]) for c in COLUMNS)


@pytest.fixture
async def backwards_twice(apply: Apply) -> OfflineWeek:
    """The offline week delivered backwards (each resolution before its conflict), twice."""
    week = offline_week()
    backwards = list(reversed(week.clinic.envelopes))
    await apply(backwards)
    await apply(backwards)  # redelivered: counted once
    return week


async def test_bookings_by_origin_and_conflicts_per_day(
    summary: Summary, backwards_twice: OfflineWeek
) -> None:
    daily = await summary(clinic=backwards_twice.clinic.id, **WEEK)
    by_day = {row["period"]: counts(row) for row in daily["rows"]}
    assert {day: by_day[day] for day in BY_DAY} == BY_DAY
    assert counts(daily["totals"]) == TOTALS


async def test_the_iso_week_row_holds_the_offline_totals(
    summary: Summary, backwards_twice: OfflineWeek
) -> None:
    weekly = await summary(clinic=backwards_twice.clinic.id, period="week", **WEEK)
    assert counts(weekly["rows"][0]) == TOTALS


async def test_a_type_filter_narrows_conflicts_and_bookings(
    summary: Summary, backwards_twice: OfflineWeek
) -> None:
    week = backwards_twice
    t2 = (await summary(clinic=week.clinic.id, type=week.t2, **WEEK))["totals"]
    assert counts(t2) == (2, 1, 1, 1, 0, 0, 0, 1)


async def test_a_provider_filter_narrows_bookings_not_conflicts(
    summary: Summary, backwards_twice: OfflineWeek
) -> None:
    week = backwards_twice  # conflicts name no provider
    p2 = (await summary(clinic=week.clinic.id, provider=week.p2, **WEEK))["totals"]
    assert counts(p2) == (2, 0, 2, 5, 1, 1, 1, 2)


async def test_a_rebuild_gives_the_same_offline_figures(
    summary: Summary, rebuilt: Rebuilt, backwards_twice: OfflineWeek
) -> None:
    daily = await summary(clinic=backwards_twice.clinic.id, **WEEK)
    await rebuilt()
    assert await summary(clinic=backwards_twice.clinic.id, **WEEK) == daily


async def test_the_csv_ends_with_the_offline_columns(
    client: httpx.AsyncClient, as_role: Headers, apply: Apply
) -> None:
    week = offline_week()
    await apply(week.clinic.envelopes)
    params = {"clinic": str(week.clinic.id), "period": "week", **WEEK}
    headers = as_role("clinic_admin", week.clinic.id)
    response = await client.get("/v1/reports/summary.csv", params=params, headers=headers)
    assert response.status_code == 200, response.text
    [header, *_] = list(csv.reader(io.StringIO(response.text)))
    assert header[: -len(NEW_COLUMNS)][-1] == "no_show_rate_reminder_not_delivered"
    assert header[-len(NEW_COLUMNS) :] == NEW_COLUMNS
    *_, totals = list(csv.DictReader(io.StringIO(response.text)))
    assert totals["period"] == "total"
    assert counts(totals) == TOTALS


async def test_offline_counters_move_once_per_event_and_not_on_rebuild(
    apply: Apply, rebuilt: Rebuilt
) -> None:
    week = offline_week()
    clinic = str(week.clinic.id)
    await apply(week.clinic.envelopes)
    await apply(week.clinic.envelopes)
    await rebuilt()
    assert sample("clinic_appointments_booked_total", clinic_id=clinic) == 5
    assert sample("clinic_appointments_booked_offline_total", clinic_id=clinic) == 3
    assert sample("clinic_offline_conflicts_recorded_total", clinic_id=clinic) == 5
    resolved = {
        resolution: sample(
            "clinic_offline_conflicts_resolved_total", clinic_id=clinic, resolution=resolution
        )
        for resolution in ("booked", "waitlisted", "cancelled")
    }
    assert resolved == {"booked": 1, "waitlisted": 1, "cancelled": 2}
