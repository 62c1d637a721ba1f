"""What reporting derives from the fact table: projections and additive daily rollups.

Everything here can be rebuilt from `event_facts` (`python -m reporting rebuild`). The
projections keep, per appointment and per shift, the state needed to know what it counts
for; the rollups hold the sums the summary reads, per clinic local day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from reporting.db import Base

ROLLUP_COUNTERS = (
    "booked",
    "walk_ins",
    "waitlist_fills",
    "rescheduled",
    "cancelled",
    "cancelled_by_patient",
    "cancelled_by_clinic",
    "cancelled_24h_or_more_before",
    "cancelled_under_24h_before",
    "cancelled_after_start",
    "completed",
    "no_shows",
    "completed_reminded",
    "no_shows_reminded",
    "booked_minutes",
    "lead_time_seconds",
    "lead_time_visits",
    "reminders",
    "reminders_delivered",
    "booked_offline",
)
"""The additive columns of `daily_rollups`; see services/reporting/README.md for each."""
CONFLICT_COUNTERS = (
    "conflicts_recorded",
    "conflicts_open",
    "conflicts_resolved_booked",
    "conflicts_resolved_waitlisted",
    "conflicts_resolved_cancelled",
)
"""The additive columns of `daily_conflicts`."""


class Clinic(Base):
    """A clinic as identity last described it: its name and IANA time zone."""

    __tablename__ = "clinics"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Appointment(Base):
    """One appointment's state; null columns are not known yet (events may come out of order).

    The snapshot columns (clinic to status) come from the newest event by (as_of,
    as_of_event); the others accumulate from the events that carry them, in any order.
    """

    __tablename__ = "appointments"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID | None]
    provider_id: Mapped[UUID | None]
    type_id: Mapped[UUID | None]
    time_zone: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    as_of_event: Mapped[UUID | None]
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    walk_in: Mapped[bool] = mapped_column(default=False, server_default="false")
    waitlist_fill: Mapped[bool] = mapped_column(default=False, server_default="false")
    cancelled_by: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reschedules: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminders_delivered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    offline: Mapped[bool] = mapped_column(default=False, server_default="false")


class OfflineConflict(Base):
    """An offline booking or move whose time was taken: where and when it asked for, whether
    its `OfflineConflictRecorded` was seen, and how staff resolved it (null: still open)."""

    __tablename__ = "offline_conflicts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID | None]
    type_id: Mapped[UUID | None]
    time_zone: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded: Mapped[bool] = mapped_column(default=False, server_default="false")
    resolution: Mapped[str | None] = mapped_column(Text)


class Reminder(Base):
    """A reminder message of an appointment: whether it went out (or failed) and arrived."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_appointment_id", "appointment_id"),)

    notification_id: Mapped[UUID] = mapped_column(primary_key=True)
    appointment_id: Mapped[UUID]
    attempted: Mapped[bool] = mapped_column(default=False)
    delivered: Mapped[bool] = mapped_column(default=False)


class Shift(Base):
    """A shift as its newest event describes it; provider shifts give the capacity."""

    __tablename__ = "shifts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    clinic_id: Mapped[UUID | None]
    staff_id: Mapped[UUID | None]
    role: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    breaks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    cancelled: Mapped[bool] = mapped_column(default=False, server_default="false")
    as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    as_of_event: Mapped[UUID | None]


def _counter(big: bool = False) -> Mapped[int]:
    kind = BigInteger if big else Integer
    return mapped_column(kind, default=0, server_default="0")


class DailyRollup(Base):
    """Sums over the appointments whose visit starts on `day` in the clinic's zone.

    The primary key leads with (clinic_id, day): the summary reads one clinic's day range.
    """

    __tablename__ = "daily_rollups"

    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[UUID] = mapped_column(primary_key=True)
    type_id: Mapped[UUID] = mapped_column(primary_key=True)
    booked: Mapped[int] = _counter()
    walk_ins: Mapped[int] = _counter()
    waitlist_fills: Mapped[int] = _counter()
    rescheduled: Mapped[int] = _counter()
    cancelled: Mapped[int] = _counter()
    cancelled_by_patient: Mapped[int] = _counter()
    cancelled_by_clinic: Mapped[int] = _counter()
    cancelled_24h_or_more_before: Mapped[int] = _counter()
    cancelled_under_24h_before: Mapped[int] = _counter()
    cancelled_after_start: Mapped[int] = _counter()
    completed: Mapped[int] = _counter()
    no_shows: Mapped[int] = _counter()
    completed_reminded: Mapped[int] = _counter()
    no_shows_reminded: Mapped[int] = _counter()
    booked_minutes: Mapped[int] = _counter(big=True)
    lead_time_seconds: Mapped[int] = _counter(big=True)
    lead_time_visits: Mapped[int] = _counter()
    reminders: Mapped[int] = _counter()
    reminders_delivered: Mapped[int] = _counter()
    booked_offline: Mapped[int] = _counter()


class DailyShiftMinutes(Base):
    """Minutes providers are rostered (breaks left out) per clinic local day."""

    __tablename__ = "daily_shift_minutes"

    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[UUID] = mapped_column(primary_key=True)
    minutes: Mapped[int] = _counter(big=True)


class DailyConflicts(Base):
    """Offline conflicts per clinic, local day of the time the device asked for, and type
    (a conflict names no provider)."""

    __tablename__ = "daily_conflicts"

    clinic_id: Mapped[UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    type_id: Mapped[UUID] = mapped_column(primary_key=True)
    conflicts_recorded: Mapped[int] = _counter()
    conflicts_open: Mapped[int] = _counter()
    conflicts_resolved_booked: Mapped[int] = _counter()
    conflicts_resolved_waitlisted: Mapped[int] = _counter()
    conflicts_resolved_cancelled: Mapped[int] = _counter()
