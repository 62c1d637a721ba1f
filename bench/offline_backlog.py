"""A front desk's day offline as the queue its device pushes afterwards (bench/offline_sync.py).

The day is yesterday, 08:00-17:00 in the clinic's zone: walk-ins into the day's free
20-minute slots (each checked in a minute after its start and completed a minute before its
end), bookings into future starts the pull offered, and a few of those cancelled or moved.
Some patients are new: registered on the device just before their walk-in or booking, which
names the registration in `depends_on`. Every mutation is valid against the seeded clinic (no
patient or provider booked twice at once), so every outcome should be `applied`; `seq`
follows the device's clock, as the device records them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

WALK_IN_MINUTES = 20  # the short type; the long one is 30 minutes and a 10-minute buffer
LONG_BLOCK_MINUTES = 40


@dataclass
class Seeded:
    """What the bench put into booking, as the backlog needs it."""

    clinic_id: uuid.UUID
    short_type: uuid.UUID
    long_type: uuid.UUID
    providers: list[uuid.UUID]
    patients: list[uuid.UUID]
    visits: list[dict[str, Any]]  # provider, patient, start, end (UTC)


@dataclass
class Mix:
    """How many of each kind a backlog of `total` mutations holds."""

    registrations: int
    walk_ins: int  # each is a book, a check_in and a complete
    bookings: int
    cancels: int
    reschedules: int

    @classmethod
    def of(cls, total: int) -> Mix:
        walk_ins, registrations, changes = total * 22 // 100, total * 12 // 100, total // 50
        bookings = total - registrations - 3 * walk_ins - 2 * changes
        return cls(registrations, walk_ins, bookings, changes, changes)

    def __str__(self) -> str:
        return (
            f"{self.registrations} register_patient, {self.walk_ins} walk-ins (book, check_in, "
            f"complete), {self.bookings} bookings ahead, {self.cancels} cancels, "
            f"{self.reschedules} reschedules"
        )


@dataclass
class Day:
    """The backlog being written: mutations with their device times, and who is busy when."""

    rng: random.Random
    busy: dict[uuid.UUID, list[tuple[datetime, datetime]]]
    queued: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)
    phones: int = 0

    def record(
        self, at: datetime, kind: str, args: dict[str, Any], after: str | None = None
    ) -> str:
        mutation = {"id": str(uuid.uuid4()), "recorded_at": _utc(at), "kind": kind, "args": args}
        if after is not None:
            mutation["depends_on"] = [after]
        self.queued.append((at, mutation))
        return str(mutation["id"])

    def register(self, at: datetime) -> tuple[str, str]:
        """A new patient registered on the device: (its device-made id, the mutation's id)."""
        self.phones += 1
        patient = str(uuid.uuid4())
        args = {
            "patient_id": patient,
            "full_name": f"New Patient {self.phones}",
            "phone": f"+25471{self.phones:07d}",
            "preferred_language": "sw",
            "consent": {"sms": True, "whatsapp": False},
        }
        return patient, self.record(at, "register_patient", args)

    def free_patient(self, patients: list[uuid.UUID], start: datetime, end: datetime) -> str:
        """An existing patient with nothing else at that time, now booked then."""
        while True:
            patient = self.rng.choice(patients)
            taken = self.busy.setdefault(patient, [])
            if all(end <= a or b <= start for a, b in taken):
                taken.append((start, end))
                return str(patient)


def backlog(
    seeded: Seeded, snapshot: dict[str, Any], total: int, tz: Any
) -> tuple[list[dict[str, Any]], Mix]:
    """`total` mutations of yesterday at the desk, in `seq` order (seq 1, 2, ...)."""
    mix, rng = Mix.of(total), random.Random(11)
    busy: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {}
    for visit in seeded.visits:
        busy.setdefault(visit["patient"], []).append((visit["start"], visit["end"]))
    day = Day(rng, busy)
    yesterday = datetime.now(tz).date() - timedelta(days=1)
    new_for_walk_ins = min(mix.registrations * 2 // 3, mix.walk_ins)
    _walk_ins(day, seeded, yesterday, tz, mix.walk_ins, new_for_walk_ins)
    _bookings(day, seeded, snapshot, yesterday, tz, mix, mix.registrations - new_for_walk_ins)
    day.queued.sort(key=lambda item: item[0])  # stable: a tie keeps the order recorded
    mutations = [mutation | {"seq": n} for n, (_, mutation) in enumerate(day.queued, start=1)]
    return mutations, mix


def _walk_ins(day: Day, seeded: Seeded, on: date, tz: Any, count: int, new_patients: int) -> None:
    opens = datetime.combine(on, time(8), tz).astimezone(UTC)
    booked = {(v["provider"], v["start"]) for v in seeded.visits}
    free = [
        (provider, opens + timedelta(minutes=WALK_IN_MINUTES * slot))
        for slot in range(27)
        for provider in seeded.providers
        if (provider, opens + timedelta(minutes=WALK_IN_MINUTES * slot)) not in booked
    ]
    every = max(count // max(new_patients, 1), 1)  # new patients spread over the day
    for n, (provider, start) in enumerate(sorted(day.rng.sample(free, count), key=lambda f: f[1])):
        end = start + timedelta(minutes=WALK_IN_MINUTES)
        after = None
        if n % every == 0 and n // every < new_patients:
            patient, after = day.register(start - timedelta(minutes=6))
        else:
            patient = day.free_patient(seeded.patients, start, end)
        appointment = str(uuid.uuid4())
        args = {
            "appointment_id": appointment,
            "type_id": str(seeded.short_type),
            "patient_id": patient,
            "provider_id": str(provider),
            "starts_at": _utc(start),
            "walk_in": True,
        }
        day.record(start - timedelta(minutes=4), "book", args, after)
        day.record(start + timedelta(minutes=1), "check_in", {"appointment_id": appointment})
        day.record(end - timedelta(minutes=1), "complete", {"appointment_id": appointment})


def _bookings(
    day: Day,
    seeded: Seeded,
    snapshot: dict[str, Any],
    on: date,
    tz: Any,
    mix: Mix,
    new_patients: int,
) -> None:
    """Visits booked ahead at the desk during the day; some then cancelled or moved."""
    starts = [
        (item["provider_id"], at)
        for item in snapshot["availability"]
        if item["type_id"] == str(seeded.long_type)
        for at in item["starts"][::6]  # an hour apart: no two of them overlap
    ]
    day.rng.shuffle(starts)
    opens = datetime.combine(on, time(8), tz).astimezone(UTC)
    changeable: list[tuple[datetime, str, uuid.UUID]] = []
    for n in range(mix.bookings):
        at = opens + timedelta(minutes=day.rng.randrange(9 * 60))
        provider, start_text = starts.pop()
        start, appointment, after = datetime.fromisoformat(start_text), str(uuid.uuid4()), None
        if n < new_patients:
            patient, after = day.register(at - timedelta(minutes=3))
        else:
            patient = day.free_patient(
                seeded.patients, start, start + timedelta(minutes=LONG_BLOCK_MINUTES)
            )
            changeable.append((at, appointment, uuid.UUID(patient)))
        args = {
            "appointment_id": appointment,
            "type_id": str(seeded.long_type),
            "patient_id": patient,
            "provider_id": provider,
            "starts_at": start_text,
            "walk_in": False,
        }
        day.record(at, "book", args, after)
    day.rng.shuffle(changeable)
    for at, appointment, _ in changeable[: mix.cancels]:
        reason = {"appointment_id": appointment, "reason": "Patient called"}
        day.record(at + timedelta(minutes=30), "cancel", reason)
    for at, appointment, who in changeable[mix.cancels : mix.cancels + mix.reschedules]:
        provider, start_text = _free_start(day, starts, who)
        args = {"appointment_id": appointment, "starts_at": start_text, "provider_id": provider}
        day.record(at + timedelta(minutes=45), "reschedule", args)


def _free_start(day: Day, starts: list[tuple[str, str]], patient: uuid.UUID) -> tuple[str, str]:
    """A start from the pool the patient has nothing else at."""
    taken = day.busy.setdefault(patient, [])
    for n, (_, start_text) in enumerate(starts):
        start = datetime.fromisoformat(start_text)
        end = start + timedelta(minutes=LONG_BLOCK_MINUTES)
        if all(end <= a or b <= start for a, b in taken):
            taken.append((start, end))
            return starts.pop(n)
    raise SystemExit("no free start left for a reschedule: raise --providers")


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
