"""A generated week of clinic activity as envelopes with explicit times, for the figures tests.

Kibera (Africa/Nairobi, UTC+3) gets the hand-counted week of Monday 2026-02-23 to Sunday
2026-03-01; see `NAIROBI_WEEK` in test_figures.py for the figures worked out by hand.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRescheduled,
)
from clinic_contracts.envelope import Event, EventEnvelope, new_envelope
from clinic_contracts.identity import ClinicCreated
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from clinic_contracts.shifts import ShiftBreak, ShiftCancelled, ShiftChanged, ShiftScheduled

Envelopes = list[tuple[str, EventEnvelope]]
"""(topic, envelope) in the order things happened."""


@dataclass
class ClinicActivity:
    """Events of one clinic, written in its local time."""

    zone: str
    name: str = "Clinic"
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    envelopes: Envelopes = field(default_factory=list)

    def at(self, local: str) -> datetime:
        """The UTC instant of a local wall-clock time 'YYYY-MM-DD HH:MM'."""
        wall = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(self.zone))
        return wall.astimezone(UTC)

    def emit(self, event: Event, occurred: datetime) -> EventEnvelope:
        envelope = new_envelope(event, producer="test", occurred_at=occurred)
        self.envelopes.append((event.topic, envelope))
        return envelope

    def open(self) -> ClinicActivity:
        self.emit(
            ClinicCreated(clinic_id=self.id, name=self.name, time_zone=self.zone),
            datetime(2026, 1, 1, tzinfo=UTC),
        )
        return self

    def shift(
        self,
        staff: uuid.UUID,
        start: str,
        end: str,
        *,
        role: str = "provider",
        breaks: tuple[tuple[str, str], ...] = (),
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "shift_id": uuid.uuid4(),
            "clinic_id": self.id,
            "staff_id": staff,
            "role": role,
            "starts_at": self.at(start),
            "ends_at": self.at(end),
            "breaks": [ShiftBreak(starts_at=self.at(a), ends_at=self.at(b)) for a, b in breaks],
            "local_date": start[:10],
            "time_zone": self.zone,
        }
        self.emit(ShiftScheduled(**fields), self.at(start) - timedelta(days=20))
        return fields

    def change_shift(self, shift: dict[str, Any], start: str, end: str) -> None:
        changed = shift | {"starts_at": self.at(start), "ends_at": self.at(end)}
        previous = {"previous_starts_at": shift["starts_at"], "previous_ends_at": shift["ends_at"]}
        self.emit(ShiftChanged(**changed, **previous), shift["starts_at"] - timedelta(days=5))

    def cancel_shift(self, shift: dict[str, Any]) -> None:
        kept = {k: v for k, v in shift.items() if k not in ("breaks", "local_date", "time_zone")}
        self.emit(
            ShiftCancelled(**kept, reason="cancelled"), shift["starts_at"] - timedelta(days=3)
        )

    def book(
        self,
        provider: uuid.UUID,
        type_id: uuid.UUID,
        start: str,
        *,
        minutes: int = 30,
        booked: str,
        **extra: Any,
    ) -> dict[str, Any]:
        visit: dict[str, Any] = {
            "appointment_id": uuid.uuid4(),
            "clinic_id": self.id,
            "patient_id": uuid.uuid4(),
            "provider_id": provider,
            "type_id": type_id,
            "type_name": "Consultation",
            "status": "booked",
            "starts_at": self.at(start),
            "ends_at": self.at(start) + timedelta(minutes=minutes),
            "time_zone": self.zone,
        }
        self.emit(AppointmentBooked(**visit, booked_by="patient", **extra), self.at(booked))
        return visit

    def reschedule(self, visit: dict[str, Any], start: str, *, when: str) -> None:
        length = visit["ends_at"] - visit["starts_at"]
        moved = visit | {"starts_at": self.at(start), "ends_at": self.at(start) + length}
        previous = {
            "previous_starts_at": visit["starts_at"],
            "previous_ends_at": visit["ends_at"],
            "previous_provider_id": visit["provider_id"],
        }
        self.emit(
            AppointmentRescheduled(**moved, **previous, rescheduled_by="patient"), self.at(when)
        )
        visit.update(moved)

    def cancel(self, visit: dict[str, Any], by: str, *, when: str) -> None:
        cancelled = visit | {"status": "cancelled"}
        self.emit(AppointmentCancelled(**cancelled, cancelled_by=by), self.at(when))

    def complete(self, visit: dict[str, Any]) -> None:
        self.emit(AppointmentCompleted(**visit | {"status": "fulfilled"}), visit["ends_at"])

    def no_show(self, visit: dict[str, Any]) -> None:
        self.emit(AppointmentNoShow(**visit | {"status": "noshow"}), visit["ends_at"])

    def message(self, visit: dict[str, Any], *outcomes: str, kind: str = "reminder") -> None:
        """A message about the visit and what became of it: sent, delivered, undelivered, failed."""
        about = {
            "notification_id": uuid.uuid4(),
            "appointment_id": visit["appointment_id"],
            "clinic_id": self.id,
            "patient_id": visit["patient_id"],
            "kind": kind,
            "channel": "sms",
            "provider": "africastalking",
        }
        when = visit["starts_at"] - timedelta(hours=20)
        for step, outcome in enumerate(outcomes):
            at = when + timedelta(minutes=step)
            if outcome == "sent":
                self.emit(NotificationSent(**about, provider_message_id="m", attempt=1), at)
            elif outcome == "delivered":
                self.emit(NotificationDelivered(**about, delivered_at=at), at)
            else:
                failure = {"status": outcome, "error_code": "30003", "error_detail": "Unreachable"}
                self.emit(NotificationFailed(**about, **failure), at)


@dataclass
class NairobiWeek:
    """Kibera's week: who, and every event, in the order it happened."""

    clinic: ClinicActivity
    p1: uuid.UUID
    p2: uuid.UUID
    t1: uuid.UUID
    t2: uuid.UUID


def nairobi_week() -> NairobiWeek:
    """The hand-counted week (figures in test_figures.py, visit by visit)."""
    k = ClinicActivity("Africa/Nairobi", "Kibera").open()
    p1, p2, desk, t1, t2 = (uuid.uuid4() for _ in range(5))
    # Shifts: P1 Mon-Fri 08-17 with an hour's lunch (480 min a day); P2 Mon and Wed 09-13,
    # Tue 14-18 cut to 14-16, Thu 09-13 cancelled; a receptionist's shift counts for nothing.
    for day in ("23", "24", "25", "26", "27"):
        k.shift(
            p1,
            f"2026-02-{day} 08:00",
            f"2026-02-{day} 17:00",
            breaks=((f"2026-02-{day} 12:00", f"2026-02-{day} 13:00"),),
        )
    k.shift(p2, "2026-02-23 09:00", "2026-02-23 13:00")
    k.shift(p2, "2026-02-25 09:00", "2026-02-25 13:00")
    tuesday = k.shift(p2, "2026-02-24 14:00", "2026-02-24 18:00")
    k.change_shift(tuesday, "2026-02-24 14:00", "2026-02-24 16:00")
    k.cancel_shift(k.shift(p2, "2026-02-26 09:00", "2026-02-26 13:00"))
    k.shift(desk, "2026-02-23 08:00", "2026-02-23 17:00", role="receptionist")

    a1 = k.book(p1, t1, "2026-02-23 09:00", booked="2026-02-20 09:00")
    k.message(a1, "sent", "delivered")
    k.message(a1, "sent", "delivered", kind="confirmation")  # not a reminder
    k.complete(a1)
    a2 = k.book(p1, t1, "2026-02-23 02:00", booked="2026-02-22 02:00")  # Sunday in UTC
    k.message(a2, "sent", "undelivered")
    k.no_show(a2)
    a3 = k.book(p1, t2, "2026-02-24 09:00", minutes=60, booked="2026-02-21 09:00")
    k.message(a3, "sent", "delivered")
    k.message(a3, "failed")
    k.complete(a3)
    a4 = k.book(p1, t1, "2026-02-24 11:00", booked="2026-02-24 10:55", walk_in=True)
    k.complete(a4)
    a5 = k.book(p2, t1, "2026-02-25 09:00", booked="2026-02-20 09:00")
    k.cancel(a5, "patient", when="2026-02-22 09:00")
    a6 = k.book(p2, t1, "2026-02-25 10:00", booked="2026-02-20 10:00")
    k.cancel(a6, "clinic", when="2026-02-25 08:00")
    a7 = k.book(p1, t1, "2026-02-25 11:00", booked="2026-02-20 11:00")
    k.cancel(a7, "clinic", when="2026-02-25 11:10")
    a8 = k.book(p1, t1, "2026-02-23 14:00", booked="2026-02-21 14:00")
    k.reschedule(a8, "2026-02-26 14:00", when="2026-02-22 12:00")
    k.message(a8, "sent", "delivered")
    k.complete(a8)
    a9 = k.book(
        p1,
        t2,
        "2026-02-27 09:00",
        minutes=60,
        booked="2026-02-26 09:00",
        waitlist_entry_id=uuid.uuid4(),
    )
    k.message(a9, "sent", "delivered")
    k.no_show(a9)
    a10 = k.book(p2, t1, "2026-02-23 09:30", booked="2026-02-22 21:30")
    k.reschedule(a10, "2026-02-23 10:30", when="2026-02-22 22:00")
    k.reschedule(a10, "2026-02-25 12:00", when="2026-02-23 07:00")
    return NairobiWeek(k, p1, p2, t1, t2)
