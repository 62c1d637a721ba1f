"""The dispatcher through the real Twilio and Africa's Talking SDKs against local fakes.

Never lost, never doubled: duplicated events, cancellations, restarts, provider errors,
timeouts after the provider took the message, opt-outs, WhatsApp failures and patients
without a phone are each shown to send exactly what they should.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clinic_contracts.booking import AppointmentCancelled
from notify.messages.dispatch import Dispatcher
from notify.messages.models import Message
from notify.projection.models import Appointment, Contact
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.db import create_engine, session_factory
from servicekit.runtime import ServiceRuntime
from sqlalchemy import update

from .fakes.africastalking_fake import AfricasTalkingFake
from .fakes.twilio_fake import TwilioFake
from .support import Clinic, Staged, all_due, history

SMS_FROM = "+15005550006"
# An answer later than the provider timeout leaves the outcome unknown and the message
# `sending` until its lease runs out, so every test but those of a timeout must never reach it:
# a loaded CI machine once took over 2 s to get the fake's answer back (the fake recorded the
# message after the test had looked). The timeout tests get SHORT_TIMEOUT, and the fake answers
# them after twice that.
NO_TIMEOUT = 60.0
SHORT_TIMEOUT = 2.0


@pytest.fixture
async def africastalking() -> AsyncIterator[AfricasTalkingFake]:
    async with AfricasTalkingFake() as fake:
        yield fake


@pytest.fixture
def sending(settings: Settings, twilio: TwilioFake, africastalking: AfricasTalkingFake) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": SecretStr(twilio.auth_token),
            "twilio_sms_from": SMS_FROM,
            "twilio_whatsapp_from": "+14155238886",
            "twilio_base_url": twilio.url,
            "africastalking_username": "clinic",
            "africastalking_api_key": SecretStr("test-api-key"),
            "africastalking_base_url": africastalking.url,
            "provider_timeout_seconds": NO_TIMEOUT,
            "retry_base_seconds": 0.01,
        }
    )


@pytest.fixture
async def dispatcher(runtime: ServiceRuntime, sending: Settings) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher(runtime.sessions, sending)
    yield dispatcher
    await dispatcher.aclose()


@pytest.fixture
async def impatient(runtime: ServiceRuntime, sending: Settings) -> AsyncIterator[Dispatcher]:
    """A dispatcher that gives up on an answer after SHORT_TIMEOUT, for the timeout tests."""
    settings = sending.model_copy(update={"provider_timeout_seconds": SHORT_TIMEOUT})
    dispatcher = Dispatcher(runtime.sessions, settings)
    yield dispatcher
    await dispatcher.aclose()


async def test_a_confirmation_goes_out_once_in_the_patients_words(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    staged: Staged,
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient(language="sw")
    booked = clinic.booked(patient)
    await clinic.apply(booked, booked)  # a duplicated event

    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0
    [sent] = twilio.sent
    assert (sent.to, sent.from_) == ("+254712345678", SMS_FROM)
    assert "Kibera Clinic" in sent.body
    assert "miadi" in sent.body
    assert "STOP" in sent.body
    [confirmation] = [m for m in await clinic.messages() if m.kind == "confirmation"]
    callback = f"https://clinic.example.org/v1/webhooks/twilio/status?message_id={confirmation.id}"
    assert sent.status_callback == callback
    assert (confirmation.status, confirmation.provider_message_id) == ("sent", sent.sid)
    [event] = await staged("NotificationSent")
    assert event["notification_id"] == str(confirmation.id)
    assert event["provider_message_id"] == sent.sid


async def test_a_cancellation_before_the_reminders_leaves_no_reminder(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    assert await dispatcher.drain() == 1  # the confirmation
    fields = booked.model_dump(exclude={"booked_by", "walk_in", "overbooked", "waitlist_entry_id"})
    await clinic.apply(
        AppointmentCancelled(**(fields | {"status": "cancelled"}), cancelled_by="patient")
    )
    await all_due(runtime)  # the reminders' times come

    await dispatcher.drain()

    bodies = [m.body for m in twilio.sent]
    assert len(bodies) == 2
    assert "cancelled" in bodies[1]
    assert "reminder" not in bodies[1]
    reminders = [m for m in await clinic.messages() if m.kind == "reminder"]
    assert {m.status for m in reminders} == {"cancelled"}


async def test_a_cancellation_between_claim_and_send_time_is_checked_at_send(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    """Status is read when the message is due, not when it was planned."""
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    async with runtime.sessions() as session, session.begin():  # as if the event were lost
        await session.execute(
            update(Appointment)
            .where(Appointment.id == booked.appointment_id)
            .values(status="cancelled")
        )
    await all_due(runtime)
    await dispatcher.drain()
    assert twilio.sent == []
    assert {m.status for m in await clinic.messages()} == {"skipped"}


async def test_a_restart_between_planning_and_sending_still_sends_exactly_once(
    clinic: Clinic, runtime: ServiceRuntime, sending: Settings, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient))
    await all_due(runtime)
    for _ in range(2):  # two lives of the process: a fresh engine and dispatcher each
        engine = create_engine(sending.database_url.get_secret_value(), pool_size=2)
        try:
            dispatcher = Dispatcher(session_factory(engine), sending)
            await dispatcher.drain()
            await dispatcher.aclose()
        finally:
            await engine.dispose()
    assert len(twilio.sent) == 3  # confirmation and two reminders, none twice
    assert len({m.status_callback for m in twilio.sent}) == 3  # one per message


async def test_a_dead_process_mid_send_is_reconciled_not_resent(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    """A claimed message whose process died after the provider took it is found, not resent."""
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    jobs = await dispatcher.claim()  # claimed and handed over ...
    await dispatcher.sender.perform(jobs[0])  # ... and then the process died before recording
    async with runtime.sessions() as session, session.begin():  # the lease runs out
        await session.execute(update(Message).values(next_attempt_at=datetime.now(UTC)))

    await dispatcher.drain()

    [message] = await clinic.messages()
    assert len(twilio.sent) == 1
    assert (message.status, message.provider_message_id) == ("sent", twilio.sent[0].sid)


async def test_a_provider_error_is_retried_and_then_succeeds(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    twilio.fail_next(1, status=500)

    assert await dispatcher.run_once() == 1
    [message] = await clinic.messages()
    assert (message.status, message.error_code) == ("scheduled", "20500")
    await all_due(runtime)
    await dispatcher.drain()

    [message] = await clinic.messages()
    assert message.status == "sent"
    assert len(twilio.sent) == 1
    assert await history(runtime, message.id) == [
        "scheduled",
        "sending",
        "retrying",
        "sending",
        "sent",
    ]


async def test_a_timeout_after_the_provider_took_it_does_not_send_twice(
    clinic: Clinic, runtime: ServiceRuntime, impatient: Dispatcher, twilio: TwilioFake
) -> None:
    dispatcher = impatient
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    twilio.delay_next(2 * SHORT_TIMEOUT)  # the fake records the message, then answers too late

    await dispatcher.run_once()
    [message] = await clinic.messages()
    assert message.status == "sending"  # outcome unknown
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(Message).values(next_attempt_at=datetime.now(UTC)))
    await dispatcher.drain()

    [message] = await clinic.messages()
    assert len(twilio.sent) == 1
    assert (message.status, message.provider_message_id) == ("sent", twilio.sent[0].sid)
    assert "unknown" in await history(runtime, message.id)


async def test_a_reconciled_message_is_not_given_a_look_alikes_record(
    clinic: Clinic, runtime: ServiceRuntime, impatient: Dispatcher, twilio: TwilioFake
) -> None:
    """Two children on a parent's phone, booked for the same time: the same words twice."""
    dispatcher = impatient
    await clinic.uses(provider="twilio")
    starts_at = (datetime.now(UTC) + timedelta(minutes=90)).replace(second=0, microsecond=0)
    visit: dict[str, Any] = {"starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=20)}
    await clinic.apply(clinic.booked(await clinic.patient(), **visit))
    [first] = await clinic.messages()
    await clinic.apply(clinic.booked(await clinic.patient(), **visit))
    async with runtime.sessions() as session, session.begin():  # the second waits its turn
        later = datetime.now(UTC) + timedelta(hours=1)
        await session.execute(
            update(Message).where(Message.id != first.id).values(next_attempt_at=later)
        )

    twilio.delay_next(2 * SHORT_TIMEOUT)  # the first is taken, its answer lost: unknown
    assert await dispatcher.run_once() == 1
    await all_due(runtime)
    assert await dispatcher.run_once() == 1  # the second goes out after it
    own, look_alike = twilio.sent
    assert own.body == look_alike.body
    async with runtime.sessions() as session, session.begin():  # the first's lease runs out
        await session.execute(
            update(Message).where(Message.id == first.id).values(next_attempt_at=datetime.now(UTC))
        )
    await dispatcher.drain()

    messages = {m.id: m for m in await clinic.messages()}
    second = next(m for m in messages.values() if m.id != first.id)
    assert len(twilio.sent) == 2  # nothing sent again
    assert (messages[first.id].status, messages[first.id].provider_message_id) == (
        "sent",
        own.sid,
    )
    assert (second.status, second.provider_message_id) == ("sent", look_alike.sid)


async def test_an_opted_out_patient_gets_nothing(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    staged: Staged,
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Contact).where(Contact.user_id == patient).values(opted_out_at=datetime.now(UTC))
        )
    await clinic.apply(clinic.booked(patient))
    await all_due(runtime)
    await dispatcher.drain()
    assert twilio.sent == []
    assert {(m.status, m.error_code) for m in await clinic.messages()} == {("failed", "opted_out")}
    assert {e["error_code"] for e in await staged("NotificationFailed")} == {"opted_out"}


async def test_whatsapp_failure_falls_back_to_sms(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio", channel="whatsapp")
    patient = await clinic.patient(whatsapp=True, sms=True)
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    twilio.fail_next(1, status=400, code=63016, message="Outside the allowed window")

    await dispatcher.drain()

    assert [m.to for m in twilio.sent] == ["+254712345678"]  # the SMS; WhatsApp was refused
    [message] = await clinic.messages()
    assert (message.status, message.channel) == ("sent", "sms")


async def test_whatsapp_is_used_when_the_patient_consents(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio", channel="whatsapp")
    patient = await clinic.patient(whatsapp=True, sms=False)
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    await dispatcher.drain()
    [sent] = twilio.sent
    assert (sent.to, sent.from_) == ("whatsapp:+254712345678", "whatsapp:+14155238886")


async def test_a_patient_without_a_phone_does_not_stop_the_others(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    nobody = await clinic.patient(phone=None)
    somebody = await clinic.patient(phone="+254722000111")
    await clinic.apply(clinic.booked(nobody), clinic.booked(somebody))
    await all_due(runtime)

    await dispatcher.drain()

    assert sorted({m.to for m in twilio.sent}) == ["+254722000111"]
    assert len(twilio.sent) == 3
    failed = {m.error_code for m in await clinic.messages() if m.patient_id == nobody}
    assert failed == {"no_phone"}


async def test_a_permanent_refusal_is_recorded_and_visible(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient(phone="+254799999999")
    twilio.reject_number("+254799999999")
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    await dispatcher.drain()
    [message] = await clinic.messages()
    assert (message.status, message.error_code, message.attempts) == ("failed", "21211", 1)


async def test_africas_talking_carries_a_clinics_sms(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    africastalking: AfricasTalkingFake,
) -> None:
    await clinic.uses(provider="africastalking")
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    await dispatcher.drain()
    [sent] = africastalking.sent
    [message] = await clinic.messages()
    assert message.status == "sent"
    assert message.provider_message_id == sent.message_id


async def test_the_dispatcher_wakes_when_the_next_message_falls_due(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, sending: Settings
) -> None:
    assert await dispatcher.pause_before_next() == sending.dispatch_interval_seconds
    patient = await clinic.patient()
    await clinic.apply(clinic.booked(patient))
    await dispatcher.drain()  # the confirmation; the reminders are days away
    assert await dispatcher.pause_before_next() == sending.dispatch_interval_seconds
    async with runtime.sessions() as session, session.begin():
        soon = datetime.now(UTC) + timedelta(milliseconds=300)
        await session.execute(
            update(Message).where(Message.status == "scheduled").values(next_attempt_at=soon)
        )
    assert 0.1 < await dispatcher.pause_before_next() <= 0.3
