"""Business metrics on reporting's /metrics; dashboards and alert rules use these names.

Counters move when the consumer applies an event for the first time, and only once its
transaction has committed (a rolled-back attempt that is retried counts once). A rebuild
replays facts without touching them.
"""

from __future__ import annotations

from collections.abc import Callable

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
)
from clinic_contracts.envelope import Event
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from prometheus_client import Counter, Gauge
from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

BOOKED = Counter(
    "clinic_appointments_booked_total", "Appointments booked, walk-ins included", ["clinic_id"]
)
CANCELLED = Counter(
    "clinic_appointments_cancelled_total",
    "Appointments cancelled, by who cancelled (patient or clinic)",
    ["clinic_id", "cancelled_by"],
)
NO_SHOWS = Counter(
    "clinic_appointments_no_show_total", "Appointments marked no-show", ["clinic_id"]
)
COMPLETED = Counter("clinic_appointments_completed_total", "Visits that took place", ["clinic_id"])
NOTIFICATIONS = Counter(
    "clinic_notifications_total",
    "Patient messages by provider, channel and outcome (sent, delivered, failed)",
    ["provider", "channel", "outcome"],
)
UTILISATION = Gauge(
    "clinic_utilisation_ratio",
    "Booked minutes over providers' shift minutes, today in the clinic's zone",
    ["clinic_id"],
)

_PENDING = "reporting_metrics_after_commit"
OUTCOMES = {
    NotificationSent: "sent",
    NotificationDelivered: "delivered",
    NotificationFailed: "failed",
}


def count_event(session: AsyncSession, event: Event) -> None:
    """Count a newly applied event in the business metrics once the session commits."""
    if (bump := _increment_for(event)) is not None:
        _after_commit(session, bump)


def _increment_for(event: Event) -> Callable[[], None] | None:
    match event:
        case AppointmentBooked():
            return BOOKED.labels(str(event.clinic_id)).inc
        case AppointmentCancelled():
            return CANCELLED.labels(str(event.clinic_id), event.cancelled_by).inc
        case AppointmentNoShow():
            return NO_SHOWS.labels(str(event.clinic_id)).inc
        case AppointmentCompleted():
            return COMPLETED.labels(str(event.clinic_id)).inc
        case NotificationSent() | NotificationDelivered() | NotificationFailed():
            outcome = OUTCOMES[type(event)]
            return NOTIFICATIONS.labels(event.provider, event.channel, outcome).inc
    return None


def _after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    sync = session.sync_session
    if _PENDING not in sync.info:
        sync.info[_PENDING] = []
        orm_event.listen(sync, "after_commit", _run_pending)
        orm_event.listen(sync, "after_rollback", _drop_pending)
    sync.info[_PENDING].append(action)


def _run_pending(session: Session) -> None:
    actions = session.info.get(_PENDING, [])
    session.info[_PENDING] = []
    for action in actions:
        action()


def _drop_pending(session: Session) -> None:
    session.info[_PENDING] = []
