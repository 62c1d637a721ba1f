"""Days, weeks and months are the clinic's own: late evenings in New York stay where they are."""

from __future__ import annotations

import uuid

from .activity import ClinicActivity
from .conftest import Apply, Summary


def new_york_evenings() -> ClinicActivity:
    ny = ClinicActivity("America/New_York", "Bronx").open()
    provider, type_id = uuid.uuid4(), uuid.uuid4()
    # Saturday 28 Feb 23:30 EST is 1 March 04:30 UTC; Sunday 1 March 23:30 EST is Monday
    # 2 March 04:30 UTC: in UTC both would fall in the next month or week.
    ny.complete(ny.book(provider, type_id, "2026-02-28 23:30", booked="2026-02-20 10:00"))
    ny.no_show(ny.book(provider, type_id, "2026-03-01 23:30", booked="2026-02-20 10:00"))
    return ny


async def test_weeks_follow_the_clinic_zone(apply: Apply, summary: Summary) -> None:
    ny = new_york_evenings()
    await apply(ny.envelopes)
    weekly = await summary(
        clinic=ny.id, period="week", **{"from": "2026-02-23", "to": "2026-03-08"}
    )
    booked = {row["period"]: row["booked"] for row in weekly["rows"]}
    assert booked == {"2026-W09": 2, "2026-W10": 0}
    assert weekly["rows"][0]["no_shows"] == 1


async def test_months_follow_the_clinic_zone(apply: Apply, summary: Summary) -> None:
    ny = new_york_evenings()
    await apply(ny.envelopes)
    monthly = await summary(
        clinic=ny.id, period="month", **{"from": "2026-02-01", "to": "2026-03-31"}
    )
    rows = {row["period"]: (row["completed"], row["no_shows"]) for row in monthly["rows"]}
    assert rows == {"2026-02": (1, 0), "2026-03": (0, 1)}
    assert [(r["first_day"], r["last_day"]) for r in monthly["rows"]] == [
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
    ]


async def test_weeks_are_clipped_to_the_range_and_monday_first(
    apply: Apply, summary: Summary
) -> None:
    ny = new_york_evenings()
    await apply(ny.envelopes)
    # From a Sunday to a Tuesday: two partial ISO weeks; Saturday's visit is outside.
    weekly = await summary(
        clinic=ny.id, period="week", **{"from": "2026-03-01", "to": "2026-03-03"}
    )
    assert [(r["period"], r["first_day"], r["last_day"], r["booked"]) for r in weekly["rows"]] == [
        ("2026-W09", "2026-03-01", "2026-03-01", 1),
        ("2026-W10", "2026-03-02", "2026-03-03", 0),
    ]
