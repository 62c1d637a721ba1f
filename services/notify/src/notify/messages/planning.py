"""Which messages an appointment event calls for, and when they are due.

Confirmations and answers to what a patient just did go at once; reminders (at the clinic's
offsets) and the clinic's own notices wait for quiet hours to end. A message already planned
for the same (appointment, kind, nominal time) is not planned again, so redelivered events
and replicas change nothing. Reminders no longer wanted are withdrawn while still unsent.
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
    AppointmentNeedsReschedule,
    AppointmentNoShow,
    AppointmentRescheduled,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from servicekit.localtime import zone
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import Message, MessageEvent
from notify.messages.quiet import clear_of_quiet_hours
from notify.projection.models import Appointment, Clinic

AppointmentEvent = (
    AppointmentBooked
    | AppointmentRescheduled
    | AppointmentCancelled
    | AppointmentCheckedIn
    | AppointmentCompleted
    | AppointmentNoShow
    | AppointmentNeedsReschedule
)
APPOINTMENT_EVENTS = (
    AppointmentBooked,
    AppointmentRescheduled,
    AppointmentCancelled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentNeedsReschedule,
)
OfferEvent = WaitlistOfferMade | WaitlistOfferExpired
ABOUT_THE_VISIT = ("confirmation", "reminder", "rescheduled", "needs_reschedule")
"""Kinds that make no sense once the visit is cancelled or has happened."""


async def on_appointment(session: AsyncSession, event: AppointmentEvent, as_of: datetime) -> None:
    """Keep the appointment and plan (or withdraw) its messages."""
    if not await _keep(session, event, as_of):
        return  # an older event than the one already applied
    appointment = await session.get_one(Appointment, event.appointment_id)
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
    status = "pending" if isinstance(event, WaitlistOfferMade) else "cancelled"
    expires = event.expires_at if isinstance(event, WaitlistOfferMade) else None
    values = _row(event, event.hold_id, status, as_of) | {"offer_expires_at": expires}
    if not await _upsert_newer(session, values):
        return
    if isinstance(event, WaitlistOfferMade):
        appointment = await session.get_one(Appointment, event.hold_id)
        await _plan(session, appointment, "waitlist_offer", event.starts_at)
    else:
        await withdraw(session, event.hold_id, "waitlist_offer")


async def withdraw(session: AsyncSession, appointment_id: uuid.UUID, *kinds: str) -> None:
    """Cancel the appointment's messages of these kinds that have not gone out yet."""
    await session.execute(
        update(Message)
        .where(
            Message.appointment_id == appointment_id,
            Message.kind.in_(kinds),
            Message.status == "scheduled",
        )
        .values(status="cancelled", updated_at=datetime.now(UTC))
    )


async def _keep(session: AsyncSession, event: AppointmentEvent, as_of: datetime) -> bool:
    return await _upsert_newer(session, _row(event, event.appointment_id, event.status, as_of))


def _row(
    event: AppointmentEvent | OfferEvent, appointment_id: uuid.UUID, status: str, as_of: datetime
) -> dict[str, object]:
    return {
        "id": appointment_id,
        "clinic_id": event.clinic_id,
        "patient_id": event.patient_id,
        "provider_id": event.provider_id,
        "type_name": event.type_name,
        "status": status,
        "starts_at": event.starts_at,
        "time_zone": event.time_zone,
        "as_of": as_of,
    }


async def _upsert_newer(session: AsyncSession, values: dict[str, object]) -> bool:
    """Write the appointment unless a newer event already did; whether it was written."""
    changes = {k: v for k, v in values.items() if k != "id"}
    statement = insert(Appointment).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["id"], set_=changes, where=Appointment.as_of <= statement.excluded.as_of
    )
    written = await session.execute(statement.returning(Appointment.id))
    return written.first() is not None


async def _plan_reminders(session: AsyncSession, appointment: Appointment) -> None:
    clinic = await session.get(Clinic, appointment.clinic_id)
    offsets = clinic.reminder_offsets if clinic else [1440, 120]
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


@dataclass(frozen=True)
class About:
    """Whom a message goes to and which appointment (at which clinic) it is about."""

    appointment_id: uuid.UUID
    clinic_id: uuid.UUID
    patient_id: uuid.UUID


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
    if starts_at <= now or (kind == "reminder" and nominal_at <= now):
        return  # never a message about the past, nor a reminder that is already late
    due = max(nominal_at, now) if kind == "reminder" else now
    if quiet:
        clinic = clinic or await session.get(Clinic, about.clinic_id)
        if clinic is not None:
            tz = zone(clinic.time_zone)
            due = clear_of_quiet_hours(
                due, tz, clinic.quiet_from, clinic.quiet_until, before=starts_at
            )
    planned = await session.execute(
        insert(Message)
        .values(
            id=uuid.uuid4(),
            appointment_id=about.appointment_id,
            clinic_id=about.clinic_id,
            patient_id=about.patient_id,
            kind=kind,
            nominal_at=nominal_at,
            due_at=max(due, now),
        )
        .on_conflict_do_nothing(constraint="uq_messages_once")
        .returning(Message.id)
    )
    if (message_id := planned.scalar()) is not None:
        await session.execute(
            insert(MessageEvent).values(message_id=message_id, attempt=0, status="scheduled")
        )


async def planned(session: AsyncSession, appointment_id: uuid.UUID) -> list[Message]:
    """The appointment's messages, oldest first (for tests and the API)."""
    query = select(Message).where(Message.appointment_id == appointment_id)
    return list((await session.scalars(query.order_by(Message.created_at))).all())
