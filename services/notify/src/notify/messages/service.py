"""Messages planned: which messages booking's and identity's events call for, and when they go.

Confirmations and answers to what a patient just did go at once; reminders (at the clinic's
offsets) and the clinic's own notices wait for quiet hours to end. A message already planned
for the same (appointment, kind, nominal time) is not planned again, so redelivered events
and replicas change nothing. Reminders no longer wanted are withdrawn while still unsent.

Offline conflicts staff cancelled tell the patient the time they were given at the desk is
gone: the one resolution nothing else tells them about (a booking at another time brings its
own confirmation, a waitlisting its offer).

An account notice ("registration_attempt", identity's DuplicateRegistrationAttempted) goes to
the account's owner at most once in any 24 hours however often someone tries, so an attacker
cannot flood a number, and waits out the night where the number's country has a single time
zone. At send time the usual rules apply (rules.py) with the service's default provider.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from clinic_contracts.booking import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentEvent,
    AppointmentNeedsReschedule,
    AppointmentNoShow,
    AppointmentRescheduled,
    OfflineConflictResolved,
    WaitlistOfferMade,
)
from clinic_contracts.identity import DuplicateRegistrationAttempted
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages import repository
from notify.messages.models import OFFLINE_CONFLICT_CANCELLED
from notify.messages.rules import (
    ONE_NOTICE_PER,
    REGISTRATION_ATTEMPT,
    after_the_night,
    clear_of_the_clinics_quiet_hours,
    due_time,
)
from notify.projection import repository as projection
from notify.projection import service as projection_service
from notify.projection.models import DEFAULT_REMINDER_OFFSETS, Appointment, Clinic
from notify.projection.service import OfferEvent

ABOUT_THE_VISIT = ("confirmation", "reminder", "rescheduled", "needs_reschedule")
"""Kinds that make no sense once the visit is cancelled or has happened."""


@dataclass(frozen=True)
class About:
    """Whom a message goes to and which appointment (at which clinic) it is about."""

    appointment_id: uuid.UUID
    clinic_id: uuid.UUID
    patient_id: uuid.UUID


async def on_appointment(session: AsyncSession, event: AppointmentEvent, as_of: datetime) -> None:
    """Keep the appointment and plan (or withdraw) its messages."""
    if not await projection_service.keep_appointment(session, event, as_of):
        return  # an older event than the one already applied
    appointment = await projection.get_appointment(session, appointment_id=event.appointment_id)
    match event:
        case AppointmentBooked() if not event.walk_in:
            await _plan(session, appointment, "confirmation", event.starts_at)
            await _plan_reminders(session, appointment)
        case AppointmentRescheduled():
            await withdraw(session, appointment.id, "reminder", "needs_reschedule")
            await _plan(session, appointment, "rescheduled", event.starts_at)
            await _plan_reminders(session, appointment)
        case AppointmentCancelled():
            await withdraw(session, appointment.id, *ABOUT_THE_VISIT)
            await _plan(session, appointment, "cancelled", event.starts_at)
        case AppointmentCheckedIn() | AppointmentCompleted() | AppointmentNoShow():
            await withdraw(session, appointment.id, *ABOUT_THE_VISIT)
        case AppointmentNeedsReschedule():
            await _plan(session, appointment, "needs_reschedule", event.starts_at, quiet=True)


async def on_offer(session: AsyncSession, event: OfferEvent, as_of: datetime) -> None:
    """A waitlist offer is a held slot: tell the patient, or withdraw the unsent offer."""
    if not await projection_service.keep_offer(session, event, as_of):
        return
    if isinstance(event, WaitlistOfferMade):
        appointment = await projection.get_appointment(session, appointment_id=event.hold_id)
        await _plan(session, appointment, "waitlist_offer", event.starts_at)
    else:
        await withdraw(session, event.hold_id, "waitlist_offer")


async def on_conflict_resolved(
    session: AsyncSession, event: OfflineConflictResolved, as_of: datetime
) -> None:
    """Keep a cancelled conflict and plan the patient's message about it (once)."""
    if event.resolution != "cancelled":
        return
    await projection_service.keep_offline_conflict(session, event, as_of)
    about = About(event.appointment_id, event.clinic_id, event.patient_id)
    # A notice from the clinic, not an answer to the patient: it waits out quiet hours.
    await plan(
        session, about, OFFLINE_CONFLICT_CANCELLED, event.starts_at, event.starts_at, quiet=True
    )


async def on_duplicate_registration(
    session: AsyncSession, event: DuplicateRegistrationAttempted, occurred_at: datetime
) -> None:
    """Plan the owner's SMS, unless they were sent one in the 24 hours before this attempt."""
    # Locks the contact: two attempts handled at once still plan one message between them.
    contact = await projection.get_contact(session, user_id=event.user_id, lock=True)
    if await repository.planned_since(
        session,
        patient_id=event.user_id,
        kind=REGISTRATION_ATTEMPT,
        since=occurred_at - ONE_NOTICE_PER,
    ):
        return
    await repository.add(
        session,
        appointment_id=None,
        clinic_id=None,
        patient_id=event.user_id,
        kind=REGISTRATION_ATTEMPT,
        nominal_at=occurred_at,
        due_at=after_the_night(datetime.now(UTC), contact.phone if contact else None),
    )


async def withdraw(session: AsyncSession, appointment_id: uuid.UUID, *kinds: str) -> None:
    """Cancel the appointment's messages of these kinds that have not gone out yet."""
    await repository.withdraw(
        session, appointment_id=appointment_id, kinds=kinds, at=datetime.now(UTC)
    )


async def plan(
    session: AsyncSession,
    about: About,
    kind: str,
    nominal_at: datetime,
    starts_at: datetime,
    *,
    quiet: bool = False,
    clinic: Clinic | None = None,
) -> None:
    """Plan one message about a visit starting at `starts_at`, unless it is planned already."""
    now = datetime.now(UTC)
    due = due_time(kind, nominal_at, starts_at, now)
    if due is None:
        return  # never a message about the past, nor a reminder that is already late
    if quiet:
        clinic = clinic or await projection.get_clinic(session, clinic_id=about.clinic_id)
        if clinic is not None:
            due = clear_of_the_clinics_quiet_hours(due, clinic, before=starts_at)
    await repository.add(
        session,
        appointment_id=about.appointment_id,
        clinic_id=about.clinic_id,
        patient_id=about.patient_id,
        kind=kind,
        nominal_at=nominal_at,
        due_at=max(due, now),
    )


async def _plan_reminders(session: AsyncSession, appointment: Appointment) -> None:
    clinic = await projection.get_clinic(session, clinic_id=appointment.clinic_id)
    offsets = clinic.reminder_offsets if clinic else DEFAULT_REMINDER_OFFSETS
    for minutes in offsets:
        await _plan(
            session,
            appointment,
            "reminder",
            appointment.starts_at - timedelta(minutes=minutes),
            quiet=True,
            clinic=clinic,
        )


async def _plan(
    session: AsyncSession,
    appointment: Appointment,
    kind: str,
    nominal_at: datetime,
    *,
    quiet: bool = False,
    clinic: Clinic | None = None,
) -> None:
    about = About(appointment.id, appointment.clinic_id, appointment.patient_id)
    await plan(session, about, kind, nominal_at, appointment.starts_at, quiet=quiet, clinic=clinic)
