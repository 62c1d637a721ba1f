"""A message's `due_at` stays the time it was planned for, whatever the dispatcher does.

The dispatcher's own times live in `next_attempt_at` (a retry's backoff, a claim's lease) and
`attempted_at` (when the latest attempt began), through the real `twilio` SDK against the
local fake, and the API shows them as they are.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import cast

import httpx
import pytest
from notify.messages.dispatch import Dispatcher
from notify.messages.models import Message
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.runtime import ServiceRuntime
from sqlalchemy import Table, update

from .fakes.twilio_fake import TwilioFake
from .support import Clinic

RETRY_AFTER = timedelta(seconds=60)


@pytest.fixture
async def dispatcher(
    runtime: ServiceRuntime, settings: Settings, twilio: TwilioFake
) -> AsyncIterator[Dispatcher]:
    sending = settings.model_copy(
        update={
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": SecretStr(twilio.auth_token),
            "twilio_sms_from": "+15005550006",
            "twilio_whatsapp_from": "+14155238886",
            "twilio_base_url": twilio.url,
            # Nothing here times out: room for a first request on a busy machine.
            "provider_timeout_seconds": 10.0,
            "retry_base_seconds": RETRY_AFTER.total_seconds(),
        }
    )
    dispatcher = Dispatcher(runtime.sessions, sending)
    yield dispatcher
    await dispatcher.aclose()


@pytest.fixture
async def confirmation(clinic: Clinic) -> Message:
    """A Twilio clinic's confirmation, planned and not yet sent."""
    await clinic.uses(provider="twilio")
    patient = await clinic.patient(whatsapp=True)
    await clinic.apply(clinic.booked(patient, starts_in=timedelta(minutes=90)))
    [planned] = await clinic.messages()
    assert planned.next_attempt_at == planned.due_at  # first tried when due
    return planned


async def current(clinic: Clinic, message: Message) -> Message:
    [now] = [m for m in await clinic.messages() if m.id == message.id]
    return now


async def lapse(runtime: ServiceRuntime, message: Message) -> None:
    """As if the clock had reached the message's next attempt (a backoff or a lease)."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.id == message.id)
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def shown(
    client: httpx.AsyncClient, clinic: Clinic, message: Message
) -> dict[str, datetime | None]:
    headers = clinic.patient_headers(message.patient_id)
    response = await client.get(f"/v1/notifications/{message.id}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    fields = ("due_at", "next_attempt_at", "attempted_at", "sent_at")
    return {f: datetime.fromisoformat(body[f]) if body[f] else None for f in fields}


async def test_a_sent_confirmation_keeps_its_planned_due_time(
    client: httpx.AsyncClient,
    clinic: Clinic,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    confirmation: Message,
) -> None:
    assert await dispatcher.drain() == 1

    sent = await current(clinic, confirmation)
    assert sent.status == "sent"
    assert len(twilio.sent) == 1
    assert sent.sent_at is not None
    assert sent.attempted_at is not None
    assert sent.due_at == confirmation.due_at <= sent.attempted_at <= sent.sent_at
    times = await shown(client, clinic, sent)
    assert times == {
        "due_at": confirmation.due_at,
        "next_attempt_at": None,  # the dispatcher is done with it
        "attempted_at": sent.attempted_at,
        "sent_at": sent.sent_at,
    }


async def test_a_retried_message_keeps_its_due_time_while_its_next_attempt_moves(
    client: httpx.AsyncClient,
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    confirmation: Message,
) -> None:
    twilio.fail_next(1, status=500)

    assert await dispatcher.run_once() == 1

    retried = await current(clinic, confirmation)
    assert (retried.status, retried.due_at) == ("scheduled", confirmation.due_at)
    assert retried.attempted_at is not None
    assert retried.next_attempt_at >= retried.attempted_at + RETRY_AFTER
    assert (await shown(client, clinic, retried))["next_attempt_at"] == retried.next_attempt_at
    assert await dispatcher.run_once() == 0  # due long ago, but its next attempt has not come

    await lapse(runtime, retried)
    assert await dispatcher.drain() == 1

    sent = await current(clinic, confirmation)
    assert (sent.status, sent.due_at, len(twilio.sent)) == ("sent", confirmation.due_at, 1)
    assert sent.sent_at is not None
    assert sent.attempted_at is not None
    assert sent.sent_at >= sent.attempted_at > retried.attempted_at >= sent.due_at


async def test_a_lapsed_lease_is_reconciled_and_the_due_time_kept(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    confirmation: Message,
) -> None:
    [job] = await dispatcher.claim()  # claimed and handed over ...
    await dispatcher.sender.perform(job)  # ... and the process died before recording
    leased = await current(clinic, confirmation)
    assert (leased.status, leased.due_at) == ("sending", confirmation.due_at)
    assert leased.next_attempt_at > datetime.now(UTC)  # the lease
    assert await dispatcher.run_once() == 0  # nobody touches it while the lease holds

    await lapse(runtime, leased)
    await dispatcher.drain()

    sent = await current(clinic, confirmation)
    assert len(twilio.sent) == 1  # found at the provider, not sent again
    assert (sent.status, sent.provider_message_id) == ("sent", twilio.sent[0].sid)
    assert sent.due_at == confirmation.due_at


async def test_a_fallback_to_sms_keeps_the_due_time(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    confirmation: Message,
) -> None:
    await clinic.uses(channel="whatsapp")
    twilio.fail_next(1, status=400, code=63016, message="Outside the allowed window")

    await dispatcher.drain()

    sent = await current(clinic, confirmation)
    assert (sent.status, sent.channel, sent.due_at) == ("sent", "sms", confirmation.due_at)
    assert [m.to for m in twilio.sent] == ["+254712345678"]


async def test_every_message_is_first_tried_when_due_however_it_is_inserted(
    runtime: ServiceRuntime,
) -> None:
    due = datetime.now(UTC) + timedelta(hours=3)
    rows = [
        {
            "id": uuid.uuid4(),
            "appointment_id": uuid.uuid4(),
            "clinic_id": uuid.uuid4(),
            "patient_id": uuid.uuid4(),
            "kind": "reminder",
            "nominal_at": due + timedelta(minutes=n),
            "due_at": due + timedelta(minutes=n),
        }
        for n in range(3)
    ]
    async with runtime.sessions() as session, session.begin():
        session.add(Message(**rows[0]))
        table = cast(Table, Message.__table__)
        await session.execute(table.insert(), rows[1:])  # executemany
    async with runtime.sessions() as session:
        for row in rows:
            message = await session.get_one(Message, row["id"])
            assert message.next_attempt_at == row["due_at"]
