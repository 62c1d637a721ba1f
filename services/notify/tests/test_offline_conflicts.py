"""Offline conflicts: a time given at a desk without network that staff had to give up on is
told to the patient once, in their language, through the real Twilio SDK against the local
fake; the other resolutions send nothing of their own, and an offline booking is confirmed
like any other."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from clinic_contracts.booking import OfflineConflictResolved
from notify.messages.dispatch import Dispatcher
from notify.messages.models import OFFLINE_CONFLICT_CANCELLED
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.localtime import zone
from servicekit.runtime import ServiceRuntime

from .fakes.twilio_fake import TwilioFake
from .support import Clinic

NAIROBI = zone("Africa/Nairobi")


@pytest.fixture
async def dispatcher(
    runtime: ServiceRuntime, settings: Settings, twilio: TwilioFake, clinic: Clinic
) -> AsyncIterator[Dispatcher]:
    sending = settings.model_copy(
        update={
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": SecretStr(twilio.auth_token),
            "twilio_sms_from": "+15005550006",
            "twilio_base_url": twilio.url,
        }
    )
    await clinic.uses(provider="twilio", quiet_from=None, quiet_until=None)
    dispatcher = Dispatcher(runtime.sessions, sending)
    yield dispatcher
    await dispatcher.aclose()


def resolved(
    clinic: Clinic, patient: uuid.UUID, resolution: str, **fields: Any
) -> OfflineConflictResolved:
    starts_at = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    values: dict[str, Any] = {
        "conflict_id": uuid.uuid4(),
        "clinic_id": clinic.id,
        "device_id": uuid.uuid4(),
        "patient_id": patient,
        "type_id": clinic.type_id,
        "type_name": "General consultation",
        "kind": "book",
        "appointment_id": uuid.uuid4(),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=20),
        "time_zone": "Africa/Nairobi",
        "resolution": resolution,
        "resolved_by": uuid.uuid4(),
    }
    return OfflineConflictResolved(**(values | fields))


async def test_a_cancelled_conflict_tells_the_patient_once_in_their_language(
    clinic: Clinic, dispatcher: Dispatcher, twilio: TwilioFake, client: httpx.AsyncClient
) -> None:
    patient = await clinic.patient(language="fr")
    cancelled = resolved(clinic, patient, "cancelled")
    await clinic.apply(cancelled, cancelled)  # redelivered

    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0
    [sent] = twilio.sent
    assert sent.to == "+254712345678"
    assert sent.body.startswith("Kibera Clinic : Amina, nous n'avons pas pu garder")
    assert "General consultation" in sent.body
    assert "+254700000001" in sent.body  # the clinic's phone, to book again
    local = cancelled.starts_at.astimezone(NAIROBI)
    assert f"{local:%H:%M}" in sent.body  # the time the patient was given, in Nairobi
    assert "STOP" in sent.body
    [message] = await clinic.messages(cancelled.appointment_id)
    assert (message.kind, message.status) == (OFFLINE_CONFLICT_CANCELLED, "sent")
    assert message.nominal_at == cancelled.starts_at
    listed = await client.get(
        "/v1/notifications",
        params={"kind": OFFLINE_CONFLICT_CANCELLED},
        headers=clinic.patient_headers(patient),
    )
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()["items"]
    assert (shown["id"], shown["status"]) == (str(message.id), "sent")


async def test_other_resolutions_send_nothing_and_an_offline_booking_one_confirmation(
    clinic: Clinic, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    patient = await clinic.patient(language="sw")
    booked = clinic.booked(
        patient,
        booked_by="clinic",
        origin="offline",
        recorded_at=datetime.now(UTC) - timedelta(hours=1),
        device_id=uuid.uuid4(),
    )
    # Staff booked the conflict's patient at another time: booking's AppointmentBooked for it
    # brings the confirmation; the resolution itself adds nothing. Nor does a waitlisting.
    fields = {"starts_at": booked.starts_at, "ends_at": booked.ends_at}
    await clinic.apply(
        resolved(clinic, patient, "booked", appointment_id=booked.appointment_id, **fields),
        booked,
        resolved(clinic, patient, "waitlisted"),
        resolved(clinic, patient, "cancelled", starts_at=datetime.now(UTC) - timedelta(hours=1)),
    )

    assert await dispatcher.drain() == 1  # a time already past is not written about
    [sent] = twilio.sent
    assert "miadi yako ya General consultation ni" in sent.body  # the Swahili confirmation
    kinds = sorted(m.kind for m in await clinic.messages())
    assert kinds == ["confirmation", "reminder", "reminder"]


async def test_a_conflict_cancelled_in_quiet_hours_waits_for_them_to_end(
    clinic: Clinic, runtime: ServiceRuntime
) -> None:
    now = datetime.now(NAIROBI).replace(second=0, microsecond=0)
    until = (now + timedelta(hours=1)).time()
    await clinic.uses(quiet_from=(now - timedelta(hours=1)).time(), quiet_until=until)
    patient = await clinic.patient()
    cancelled = resolved(clinic, patient, "cancelled")
    await clinic.apply(cancelled)
    [message] = await clinic.messages(cancelled.appointment_id)
    assert message.due_at > datetime.now(UTC)
    assert message.due_at.astimezone(NAIROBI).time() == until
