"""Booking's events plan the right messages, once, at the right local times."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from clinic_contracts.booking import (
    AppointmentCancelled,
    AppointmentNeedsReschedule,
    AppointmentRescheduled,
    WaitlistOfferExpired,
    WaitlistOfferMade,
)
from clinic_contracts.envelope import new_envelope
from notify.projection.handlers import on_event
from servicekit.consumer import deliver
from servicekit.localtime import instant, zone
from servicekit.runtime import ServiceRuntime

from .support import Clinic

NAIROBI = zone("Africa/Nairobi")


def _local_day(days: int) -> date:
    return (datetime.now(NAIROBI) + timedelta(days=days)).date()


async def test_a_booking_plans_a_confirmation_and_two_reminders(clinic: Clinic) -> None:
    patient = await clinic.patient()
    starts = instant(_local_day(3), time(10), NAIROBI)
    booked = clinic.booked(patient, starts_at=starts, ends_at=starts + timedelta(minutes=20))
    await clinic.apply(booked)

    messages = await clinic.messages(booked.appointment_id)
    by_kind = sorted((m.kind, m.nominal_at) for m in messages)
    assert by_kind == [
        ("confirmation", starts),
        ("reminder", starts - timedelta(hours=24)),
        ("reminder", starts - timedelta(hours=2)),
    ]
    assert all(m.status == "scheduled" for m in messages)
    reminders = [m for m in messages if m.kind == "reminder"]
    assert {m.due_at for m in reminders} == {m.nominal_at for m in reminders}


async def test_a_redelivered_event_plans_nothing_more(
    clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    envelope = new_envelope(booked, producer="booking")
    for _ in range(2):  # the same envelope twice, as a redelivery would bring it
        async with runtime.sessions() as session, session.begin():
            await deliver(on_event, session, envelope)
    await clinic.apply(booked)  # and the same event in a new envelope
    messages = await clinic.messages(booked.appointment_id)
    assert [m.kind for m in messages].count("confirmation") == 1
    assert len(messages) == 3


async def test_reminders_wait_for_quiet_hours_to_end_in_the_clinics_zone(clinic: Clinic) -> None:
    patient = await clinic.patient()
    starts = instant(_local_day(3), time(8, 30), NAIROBI)  # 2 h before is 06:30, quiet
    await clinic.apply(
        clinic.booked(patient, starts_at=starts, ends_at=starts + timedelta(minutes=20))
    )
    reminders = [m for m in await clinic.messages() if m.kind == "reminder"]
    early = min(reminders, key=lambda m: m.due_at)
    late = max(reminders, key=lambda m: m.due_at)
    assert early.due_at == early.nominal_at  # 08:30 the day before: not quiet
    assert late.due_at.astimezone(NAIROBI).time() == time(7)  # quiet until 07:00
    assert late.nominal_at.astimezone(NAIROBI).time() == time(6, 30)
    assert [m.next_attempt_at for m in (early, late)] == [early.due_at, late.due_at]


async def test_a_visit_too_soon_for_reminders_gets_only_its_confirmation(clinic: Clinic) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient, starts_in=timedelta(minutes=90))
    await clinic.apply(booked)
    assert [m.kind for m in await clinic.messages()] == ["confirmation"]


async def test_walk_ins_get_no_messages(clinic: Clinic) -> None:
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=5), walk_in=True))
    assert await clinic.messages() == []


async def test_a_cancellation_withdraws_unsent_messages_and_plans_a_notice(clinic: Clinic) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    fields = booked.model_dump(exclude={"booked_by", "walk_in", "overbooked", "waitlist_entry_id"})
    await clinic.apply(
        AppointmentCancelled(**(fields | {"status": "cancelled"}), cancelled_by="clinic")
    )
    status = {(m.kind, m.status) for m in await clinic.messages()}
    assert status == {
        ("confirmation", "cancelled"),
        ("reminder", "cancelled"),
        ("cancelled", "scheduled"),
    }


async def test_a_reschedule_moves_the_reminders(clinic: Clinic) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    later = booked.starts_at + timedelta(days=2)
    fields = booked.model_dump(exclude={"booked_by", "walk_in", "overbooked", "waitlist_entry_id"})
    moved = AppointmentRescheduled(
        **(fields | {"starts_at": later, "ends_at": later + timedelta(minutes=20)}),
        previous_starts_at=booked.starts_at,
        previous_ends_at=booked.ends_at,
        previous_provider_id=booked.provider_id,
        rescheduled_by="patient",
    )
    await clinic.apply(moved)
    live = sorted(
        (m.kind, m.nominal_at) for m in await clinic.messages() if m.status == "scheduled"
    )
    assert live == [
        ("confirmation", booked.starts_at),  # still true when it goes: it reads the new time
        ("reminder", later - timedelta(hours=24)),
        ("reminder", later - timedelta(hours=2)),
        ("rescheduled", later),
    ]


async def test_an_older_event_arriving_late_changes_nothing(
    clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    fields = booked.model_dump(exclude={"booked_by", "walk_in", "overbooked", "waitlist_entry_id"})
    cancelled = AppointmentCancelled(**(fields | {"status": "cancelled"}), cancelled_by="patient")
    now = datetime.now(UTC)
    for event, at in ((cancelled, now), (booked, now - timedelta(minutes=1))):
        async with runtime.sessions() as session, session.begin():
            await deliver(
                on_event, session, new_envelope(event, producer="booking", occurred_at=at)
            )
    assert [m.kind for m in await clinic.messages()] == ["cancelled"]


async def test_a_shift_change_plans_a_notice(clinic: Clinic) -> None:
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    fields = booked.model_dump(exclude={"booked_by", "walk_in", "overbooked", "waitlist_entry_id"})

    await clinic.apply(AppointmentNeedsReschedule(**fields, reason="shift_cancelled"))

    assert "needs_reschedule" in [m.kind for m in await clinic.messages(booked.appointment_id)]


def _offer(clinic: Clinic, patient: uuid.UUID) -> dict[str, Any]:
    """A waitlist offer of a slot an hour after a visit like `clinic.booked`'s."""
    booked = clinic.booked(patient)
    return {
        "entry_id": booked.appointment_id,
        "hold_id": booked.type_id,
        "clinic_id": clinic.id,
        "patient_id": patient,
        "provider_id": clinic.provider,
        "type_id": clinic.type_id,
        "type_name": "General consultation",
        "starts_at": booked.starts_at + timedelta(hours=1),
        "ends_at": booked.ends_at + timedelta(hours=1),
        "time_zone": "Africa/Nairobi",
    }


async def test_a_waitlist_offer_plans_a_message(clinic: Clinic) -> None:
    offer = _offer(clinic, await clinic.patient())
    expires = datetime.now(UTC) + timedelta(hours=1)

    await clinic.apply(WaitlistOfferMade(**offer, expires_at=expires))

    [made] = await clinic.messages(offer["hold_id"])
    assert (made.kind, made.status) == ("waitlist_offer", "scheduled")


async def test_a_waitlist_offer_is_withdrawn_when_it_lapses(clinic: Clinic) -> None:
    offer = _offer(clinic, await clinic.patient())
    expires = datetime.now(UTC) + timedelta(hours=1)
    await clinic.apply(WaitlistOfferMade(**offer, expires_at=expires))

    await clinic.apply(WaitlistOfferExpired(**offer))

    [lapsed] = await clinic.messages(offer["hold_id"])
    assert lapsed.status == "cancelled"
