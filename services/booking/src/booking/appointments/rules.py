"""The appointment lifecycle as pure rules: FHIR statuses, allowed moves, the patient's cutoff."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from clinic_contracts.booking import AppointmentStatus

Action = Literal["book", "reschedule", "cancel", "check-in", "complete", "no-show"]

# Which status each action starts from and leads to; anything else is a 409. FHIR R4 allows
# more (arrived, entered-in-error), which other clients may set through their own flows.
MOVES: dict[Action, tuple[frozenset[AppointmentStatus], AppointmentStatus]] = {
    "book": (frozenset({"pending"}), "booked"),
    "reschedule": (frozenset({"booked"}), "booked"),
    "cancel": (frozenset({"booked", "arrived"}), "cancelled"),
    "check-in": (frozenset({"booked", "arrived"}), "checked-in"),
    "complete": (frozenset({"arrived", "checked-in"}), "fulfilled"),
    "no-show": (frozenset({"booked"}), "noshow"),
}
PATIENT_ACTIONS: frozenset[Action] = frozenset({"book", "reschedule", "cancel"})


class InvalidMove(Exception):  # noqa: N818 - a domain verdict, turned into a 409 upstream
    """The appointment's status does not allow the action."""


def next_status(action: Action, current: str) -> AppointmentStatus:
    """The status after `action`, or InvalidMove."""
    sources, target = MOVES[action]
    if current not in sources:
        allowed = ", ".join(sorted(sources))
        raise InvalidMove(f"Cannot {action} an appointment that is {current} (only {allowed}).")
    return target


def before_cutoff(starts_at: datetime, now: datetime, cutoff_hours: int) -> bool:
    """Whether a patient may still cancel or move a visit starting at `starts_at`."""
    return now <= starts_at - timedelta(hours=cutoff_hours)


def no_show_allowed(starts_at: datetime, now: datetime) -> bool:
    """A patient can only be marked absent once the visit was due to start."""
    return now >= starts_at
