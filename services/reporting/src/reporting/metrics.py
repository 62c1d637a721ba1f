"""Business metrics on reporting's /metrics; dashboards and alert rules use these names.

Counters move when the consumer applies an event for the first time, and only once its
transaction has committed (a rolled-back attempt that is retried counts once). A rebuild
replays facts without touching them. The utilisation gauge is set by a background job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    OfflineConflictRecorded,
    OfflineConflictResolved,
)
from clinic_contracts.envelope import Event
from clinic_contracts.notify import NotificationDelivered, NotificationFailed, NotificationSent
from prometheus_client import Counter, Gauge
from servicekit.runtime import ServiceRuntime
from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from reporting.analytics.repository import utilisation_today

log = logging.getLogger(__name__)

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
BOOKED_OFFLINE = Counter(
    "clinic_appointments_booked_offline_total",
    "Appointments booked on a front desk device without network (also in the booked total)",
    ["clinic_id"],
)
CONFLICTS_RECORDED = Counter(
    "clinic_offline_conflicts_recorded_total",
    "Offline bookings or moves whose time was taken meanwhile",
    ["clinic_id"],
)
CONFLICTS_RESOLVED = Counter(
    "clinic_offline_conflicts_resolved_total",
    "Offline conflicts resolved by staff, by resolution (booked, waitlisted, cancelled)",
    ["clinic_id", "resolution"],
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
    if isinstance(event, AppointmentBooked) and event.origin == "offline":
        _after_commit(session, BOOKED_OFFLINE.labels(str(event.clinic_id)).inc)


def _increment_for(event: Event) -> Callable[[], None] | None:
    match event:
        case AppointmentBooked():
            return BOOKED.labels(str(event.clinic_id)).inc
        case OfflineConflictRecorded():
            return CONFLICTS_RECORDED.labels(str(event.clinic_id)).inc
        case OfflineConflictResolved():
            return CONFLICTS_RESOLVED.labels(str(event.clinic_id), event.resolution).inc
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


async def refresh_utilisation(runtime: ServiceRuntime) -> None:
    """Set the utilisation gauge every `utilisation_refresh_seconds` until the service stops."""
    interval: float = getattr(runtime.settings, "utilisation_refresh_seconds", 60.0)
    while not runtime.stopping.is_set():
        try:
            async with runtime.sessions() as session:
                ratios = await utilisation_today(session)
            for clinic_id, ratio in ratios.items():
                UTILISATION.labels(str(clinic_id)).set(ratio)
        except Exception as exc:  # the database may be down; the next round retries
            log.warning("could not refresh utilisation: %s", type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), interval)
