"""A generated week gives the figures worked out by hand, in any order, replayed or rebuilt."""

from __future__ import annotations

import random
from typing import Any

import pytest

from .activity import NairobiWeek, nairobi_week
from .conftest import Apply, Rebuilt, Summary

WEEK = {"from": "2026-02-23", "to": "2026-03-01"}

# Kibera's week, visit by visit (local days; A2 at 02:00 Monday is Sunday 23:00 in UTC):
#   Mon  A1 completed, reminder delivered; A2 no-show, reminder undelivered
#   Tue  A3 (60 min) completed, one reminder delivered and one failed; A4 walk-in completed
#   Wed  A5 cancelled by the patient 72 h ahead; A6 by the clinic 3 h ahead; A7 by the clinic
#        10 min after its start; A10 booked, moved twice (Mon 09:30 -> Mon 10:30 -> Wed 12:00)
#   Thu  A8 moved from Monday, completed, reminder delivered
#   Fri  A9 (60 min) from the waitlist, no-show, reminder delivered
# Lead times (booked, not walk-in, not cancelled): A1 72 h, A2 24 h, A3 72 h, A8 120 h,
# A9 24 h, A10 62.5 h -> 374.5 / 6 = 62.42 h. Booked minutes: 30+30+60+30+30+60+30 = 270.
# Shift minutes: P1 5 x 480; P2 Mon 240, Tue 120 (cut from 240), Wed 240, Thu cancelled -> 3000.
NAIROBI_WEEK: dict[str, Any] = {
    "booked": 10,
    "cancelled": 3,
    "cancelled_by_patient": 1,
    "cancelled_by_clinic": 2,
    "cancelled_24h_or_more_before": 1,
    "cancelled_under_24h_before": 1,
    "cancelled_after_start": 1,
    "rescheduled": 3,
    "completed": 4,
    "no_shows": 2,
    "no_show_rate": 0.3333,
    "booked_minutes": 270,
    "shift_minutes": 3000,
    "utilisation": 0.09,
    "average_lead_time_hours": 62.42,
    "walk_ins": 1,
    "waitlist_fills": 1,
    "reminders": 6,
    "reminders_delivered": 4,
    "reminder_delivery_rate": 0.6667,
    "no_show_rate_reminder_delivered": 0.25,  # A1, A3, A8 came; A9 did not
    "no_show_rate_reminder_not_delivered": 0.5,  # A4 came; A2 did not
}
BY_DAY = {  # (booked, cancelled, completed, no_shows, booked_minutes, shift_minutes)
    "2026-02-23": (2, 0, 1, 1, 60, 720),
    "2026-02-24": (2, 0, 2, 0, 90, 600),
    "2026-02-25": (4, 3, 0, 0, 30, 720),
    "2026-02-26": (1, 0, 1, 0, 30, 480),
    "2026-02-27": (1, 0, 0, 1, 60, 480),
    "2026-02-28": (0, 0, 0, 0, 0, 0),
    "2026-03-01": (0, 0, 0, 0, 0, 0),
}
DAY_COLUMNS = ("booked", "cancelled", "completed", "no_shows", "booked_minutes", "shift_minutes")


def figures(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in NAIROBI_WEEK}


def by_day(report: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    return {row["period"]: tuple(row[c] for c in DAY_COLUMNS) for row in report["rows"]}


async def test_a_week_gives_the_hand_counted_totals(summary: Summary, kibera: NairobiWeek) -> None:
    daily = await summary(clinic=kibera.clinic.id, period="day", **WEEK)
    assert figures(daily["totals"]) == pytest.approx(NAIROBI_WEEK)


async def test_each_day_gives_its_hand_counted_figures(
    summary: Summary, kibera: NairobiWeek
) -> None:
    daily = await summary(clinic=kibera.clinic.id, period="day", **WEEK)
    assert by_day(daily) == BY_DAY


async def test_the_iso_week_row_holds_the_whole_week(summary: Summary, kibera: NairobiWeek) -> None:
    weekly = await summary(clinic=kibera.clinic.id, period="week", **WEEK)
    assert [row["period"] for row in weekly["rows"]] == ["2026-W09"]
    assert figures(weekly["rows"][0]) == pytest.approx(NAIROBI_WEEK)


async def test_a_provider_filter_narrows_visits_and_shifts(
    summary: Summary, kibera: NairobiWeek
) -> None:
    p2 = (await summary(clinic=kibera.clinic.id, provider=kibera.p2, **WEEK))["totals"]
    # A5, A6 cancelled; A10 booked 30 min and moved twice; P2 rostered 240 + 120 + 240 min.
    assert (p2["booked"], p2["cancelled"], p2["rescheduled"]) == (3, 2, 2)
    assert (p2["booked_minutes"], p2["shift_minutes"], p2["utilisation"]) == (30, 600, 0.05)


async def test_a_type_filter_narrows_visits_but_not_capacity(
    summary: Summary, kibera: NairobiWeek
) -> None:
    t2 = (await summary(clinic=kibera.clinic.id, type=kibera.t2, **WEEK))["totals"]
    # A3 completed, A9 no-show, 60 min each; utilisation against everyone's shifts.
    assert (t2["booked"], t2["completed"], t2["no_shows"], t2["booked_minutes"]) == (
        1 + 1,
        1,
        1,
        120,
    )
    assert t2["utilisation"] == 0.04


async def test_redelivered_events_change_nothing(
    apply: Apply, summary: Summary, kibera: NairobiWeek
) -> None:
    await apply(kibera.clinic.envelopes)  # every event delivered a second time
    totals = (await summary(clinic=kibera.clinic.id, **WEEK))["totals"]
    assert figures(totals) == pytest.approx(NAIROBI_WEEK)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_any_arrival_order_gives_the_same_figures(
    apply: Apply, summary: Summary, seed: int
) -> None:
    week = nairobi_week()
    shuffled = list(week.clinic.envelopes)
    random.Random(seed).shuffle(shuffled)
    await apply(shuffled)
    daily = await summary(clinic=week.clinic.id, **WEEK)
    assert figures(daily["totals"]) == pytest.approx(NAIROBI_WEEK)
    assert by_day(daily) == BY_DAY


async def shuffled_week(apply: Apply) -> NairobiWeek:
    """The week delivered in an order the rebuild's does not follow."""
    week = nairobi_week()
    shuffled = list(week.clinic.envelopes)
    random.Random(7).shuffle(shuffled)
    await apply(shuffled)
    return week


async def test_a_rebuild_gives_identical_figures(
    apply: Apply, summary: Summary, rebuilt: Rebuilt
) -> None:
    week = await shuffled_week(apply)
    before = await summary(clinic=week.clinic.id, **WEEK)
    assert await rebuilt() == len(week.clinic.envelopes)
    assert await summary(clinic=week.clinic.id, **WEEK) == before
    assert figures(before["totals"]) == pytest.approx(NAIROBI_WEEK)


async def test_rebuilding_twice_gives_identical_figures(
    apply: Apply, summary: Summary, rebuilt: Rebuilt
) -> None:
    week = await shuffled_week(apply)
    before = await summary(clinic=week.clinic.id, **WEEK)
    assert await rebuilt() == len(week.clinic.envelopes)
    assert await rebuilt() == len(week.clinic.envelopes)  # replaying over a rebuilt store
    assert await summary(clinic=week.clinic.id, **WEEK) == before
