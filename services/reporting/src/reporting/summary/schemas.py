"""Summary shapes: the filter a query asks for, the figures of one bucket of local days, and
the whole report (also as CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from reporting.analytics.rules import Counters
from reporting.summary.rules import Period

RATE_DIGITS = 4
HOURS_DIGITS = 2


@dataclass(frozen=True)
class SummaryFilter:
    """Which rollups a report sums: a clinic (or all), maybe one provider or type, local days."""

    period: Period
    first_day: date
    last_day: date
    clinic_id: UUID | None = None
    provider_id: UUID | None = None
    type_id: UUID | None = None


class SummaryRow(BaseModel):
    """Figures over the visits whose start falls in [first_day, last_day] (clinic local days)."""

    period: str = Field(description="`2026-03-02`, `2026-W10` (ISO week) or `2026-03`; `total`.")
    first_day: date
    last_day: date
    booked: int = Field(description="Appointments for visits in the period, cancelled included.")
    cancelled: int
    cancelled_by_patient: int
    cancelled_by_clinic: int
    cancelled_24h_or_more_before: int
    cancelled_under_24h_before: int
    cancelled_after_start: int
    rescheduled: int = Field(description="Moves of these visits (a visit moved twice counts 2).")
    completed: int
    no_shows: int
    no_show_rate: float | None = Field(description="no_shows / (completed + no_shows).")
    booked_minutes: int = Field(description="Minutes of the visits not cancelled.")
    shift_minutes: int = Field(description="Providers' rostered minutes, breaks left out.")
    utilisation: float | None = Field(description="booked_minutes / shift_minutes.")
    average_lead_time_hours: float | None = Field(
        description="Mean time from booking to the visit's start, over booked (not walk-in, "
        "not cancelled) visits."
    )
    walk_ins: int
    waitlist_fills: int
    reminders: int = Field(description="Reminders sent or failed for these visits.")
    reminders_delivered: int
    reminder_delivery_rate: float | None = Field(description="reminders_delivered / reminders.")
    no_show_rate_reminder_delivered: float | None = Field(
        description="No-show rate of visits with at least one reminder delivered."
    )
    no_show_rate_reminder_not_delivered: float | None = Field(
        description="No-show rate of visits without a delivered reminder."
    )
    booked_online: int = Field(description="Of `booked`: booked online (or at a connected desk).")
    booked_offline: int = Field(
        description="Of `booked`: booked on a front desk device without network, synced later."
    )
    conflicts_recorded: int = Field(
        description="Offline bookings or moves whose time was taken meanwhile, on the day of "
        "the time asked for. Conflicts name no provider: a provider filter does not narrow them."
    )
    conflicts_open: int = Field(description="Of those, not resolved yet.")
    conflicts_resolved_booked: int = Field(description="Resolved by booking another time.")
    conflicts_resolved_waitlisted: int = Field(description="Resolved by waitlisting the patient.")
    conflicts_resolved_cancelled: int = Field(
        description="Given up on; the patient is told by message."
    )

    @classmethod
    def of(cls, label: str, first_day: date, last_day: date, sums: Counters) -> SummaryRow:
        """The figures of summed rollup counters."""
        n = _Sums(sums)
        no_shows_not_reminded = n["no_shows"] - n["no_shows_reminded"]
        completed_not_reminded = n["completed"] - n["completed_reminded"]
        lead_hours = _ratio(n["lead_time_seconds"], n["lead_time_visits"] * 3600, HOURS_DIGITS)
        return cls(
            period=label,
            first_day=first_day,
            last_day=last_day,
            **{name: n[name] for name in _COUNTS},
            booked_online=n["booked"] - n["booked_offline"],
            no_show_rate=_ratio(n["no_shows"], n["completed"] + n["no_shows"]),
            utilisation=_ratio(n["booked_minutes"], n["shift_minutes"]),
            average_lead_time_hours=lead_hours,
            reminder_delivery_rate=_ratio(n["reminders_delivered"], n["reminders"]),
            no_show_rate_reminder_delivered=_ratio(
                n["no_shows_reminded"], n["completed_reminded"] + n["no_shows_reminded"]
            ),
            no_show_rate_reminder_not_delivered=_ratio(
                no_shows_not_reminded, completed_not_reminded + no_shows_not_reminded
            ),
        )


_COUNTS = tuple(
    name
    for name, field in SummaryRow.model_fields.items()
    if field.annotation is int and name != "booked_online"  # the only derived count
)


class _Sums(dict[str, int]):
    def __missing__(self, name: str) -> int:
        return 0


def _ratio(part: int, whole: int, digits: int = RATE_DIGITS) -> float | None:
    return round(part / whole, digits) if whole else None


class Summary(BaseModel):
    """A report: one row per bucket of the range (empty ones included) and the totals."""

    clinic_id: UUID | None = Field(description="Null: every clinic of the network.")
    provider_id: UUID | None
    type_id: UUID | None
    period: Period
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    rows: list[SummaryRow]
    totals: SummaryRow

    model_config = {"populate_by_name": True}


def summary_csv(summary: Summary) -> str:
    """The report as CSV: a header, one line per bucket, then the totals line."""
    out = io.StringIO()
    columns = list(SummaryRow.model_fields)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in [*summary.rows, summary.totals]:
        values = row.model_dump()
        writer.writerow(["" if values[c] is None else values[c] for c in columns])
    return out.getvalue()
