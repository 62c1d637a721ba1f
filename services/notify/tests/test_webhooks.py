"""Providers' callbacks: signed delivery reports move messages along once; STOP opts out.

Messages are planned by applying a booking, then made to look sent by writing the row
directly, as the dispatcher would have.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from notify.messages.models import Message
from notify.projection.models import Contact
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.runtime import ServiceRuntime
from sqlalchemy import select, update
from twilio.request_validator import RequestValidator

from .support import Clinic, Staged, history

TWILIO_TOKEN = "twilio-auth-token-for-tests"
AT_TOKEN = "africastalking-callback-token"
PUBLIC_URL = "https://clinic.example.org"
PHONE = "+254712345678"
STATUS = "/v1/webhooks/twilio/status"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "twilio_auth_token": SecretStr(TWILIO_TOKEN),
            "africastalking_callback_token": SecretStr(AT_TOKEN),
        }
    )


async def sent_message(
    clinic: Clinic,
    runtime: ServiceRuntime,
    patient: uuid.UUID,
    *,
    channel: str = "sms",
    provider: str = "twilio",
    provider_message_id: str = "SM0001",
) -> Message:
    """A confirmation for the patient, as if the dispatcher had just handed it over."""
    booked = clinic.booked(patient)
    await clinic.apply(booked)
    [message, *_] = await clinic.messages(booked.appointment_id)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.id == message.id)
            .values(
                status="sent",
                channel=channel,
                provider=provider,
                provider_message_id=provider_message_id,
                to_phone=PHONE,
                attempts=1,
                sent_at=datetime.now(UTC),
            )
        )
    return await reload(runtime, message.id)


async def reload(runtime: ServiceRuntime, message_id: uuid.UUID) -> Message:
    async with runtime.sessions() as session:
        message = await session.get(Message, message_id)
        assert message is not None
        return message


async def twilio(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    *,
    token: str | None = TWILIO_TOKEN,
) -> httpx.Response:
    """POST a form as Twilio does, signed with `token` (None: unsigned)."""
    headers: dict[str, str] = {}
    if token is not None:
        signature = RequestValidator(token).compute_signature(f"{PUBLIC_URL}{path}", params)
        headers["X-Twilio-Signature"] = signature
    return await client.post(path, data=params, headers=headers)


def status_report(message: Message, status: str, **extra: str) -> tuple[str, dict[str, str]]:
    """Twilio's status callback for the message: its path (with our id) and form."""
    to = f"whatsapp:{PHONE}" if message.channel == "whatsapp" else PHONE
    form = {
        "MessageSid": message.provider_message_id or "",
        "MessageStatus": status,
        "To": to,
        "From": "+15005550006",
    }
    return f"{STATUS}?message_id={message.id}", form | extra


async def test_a_signed_delivery_report_marks_delivered_once(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    path, form = status_report(message, "delivered")

    for _ in range(3):  # Twilio retries and replays
        response = await twilio(client, path, form)
        assert response.status_code == 204, response.text

    assert (await reload(runtime, message.id)).status == "delivered"
    delivered = await staged("NotificationDelivered")
    assert [event["notification_id"] for event in delivered] == [str(message.id)]
    assert (await history(runtime, message.id)).count("delivered") == 1


async def test_on_the_way_reports_are_history_only(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    for status in ("queued", "sent", "sent"):
        path, form = status_report(message, status)
        assert (await twilio(client, path, form)).status_code == 204

    assert (await reload(runtime, message.id)).status == "sent"
    assert (await history(runtime, message.id))[-2:] == ["queued", "sent"]
    assert await staged("NotificationDelivered", "NotificationFailed") == []


@pytest.mark.parametrize("token", [None, "someone-elses-token"])
async def test_unsigned_or_forged_reports_are_refused(
    client: httpx.AsyncClient,
    clinic: Clinic,
    runtime: ServiceRuntime,
    staged: Staged,
    token: str | None,
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    path, form = status_report(message, "delivered")

    response = await twilio(client, path, form, token=token)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert (await reload(runtime, message.id)).status == "sent"
    assert await staged("NotificationDelivered") == []


async def test_without_an_auth_token_nothing_is_accepted(
    client: httpx.AsyncClient,
    clinic: Clinic,
    runtime: ServiceRuntime,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    path, form = status_report(message, "delivered")
    unset = settings.model_copy(update={"twilio_auth_token": SecretStr("")})
    monkeypatch.setattr(runtime, "settings", unset)

    assert (await twilio(client, path, form)).status_code == 403
    assert (await twilio(client, path, form, token="")).status_code == 403
    assert (await reload(runtime, message.id)).status == "sent"


async def test_a_signature_over_other_fields_is_refused(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    path, form = status_report(message, "delivered")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"{PUBLIC_URL}{path}", form)

    tampered = form | {"MessageStatus": "undelivered"}
    response = await client.post(path, data=tampered, headers={"X-Twilio-Signature": signature})

    assert response.status_code == 403
    assert (await reload(runtime, message.id)).status == "sent"


async def test_reports_are_found_by_twilio_id_without_our_id(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient())
    _, form = status_report(message, "delivered")

    assert (await twilio(client, STATUS, form)).status_code == 204

    assert (await reload(runtime, message.id)).status == "delivered"


async def test_reports_about_unknown_messages_are_acknowledged(client: httpx.AsyncClient) -> None:
    form = {"MessageSid": "SMunknown", "MessageStatus": "delivered", "To": PHONE}
    response = await twilio(client, f"{STATUS}?message_id={uuid.uuid4()}", form)
    assert response.status_code == 204


async def test_a_late_report_about_an_earlier_attempt_is_history_only(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    message = await sent_message(clinic, runtime, await clinic.patient(), provider_message_id="SM2")
    path, form = status_report(message, "undelivered", MessageSid="SM1", ErrorCode="30008")

    assert (await twilio(client, path, form)).status_code == 204

    assert (await reload(runtime, message.id)).status == "sent"
    assert "late_undelivered" in await history(runtime, message.id)
    assert await staged("NotificationFailed") == []


async def test_undelivered_whatsapp_falls_back_to_sms_when_the_patient_consents(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    patient = await clinic.patient(sms=True, whatsapp=True)
    message = await sent_message(clinic, runtime, patient, channel="whatsapp")
    path, form = status_report(message, "undelivered", ErrorCode="63016")

    for _ in range(2):  # a replay must not turn the queued SMS into a failure
        assert (await twilio(client, path, form)).status_code == 204

    after = await reload(runtime, message.id)
    assert (after.status, after.channel) == ("scheduled", "sms")
    assert await staged("NotificationFailed") == []


async def test_undelivered_whatsapp_fails_without_sms_consent(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    patient = await clinic.patient(sms=False, whatsapp=True)
    message = await sent_message(clinic, runtime, patient, channel="whatsapp")
    path, form = status_report(
        message, "undelivered", ErrorCode="63016", ErrorMessage="Outside the allowed window"
    )

    assert (await twilio(client, path, form)).status_code == 204

    after = await reload(runtime, message.id)
    assert (after.status, after.channel, after.error_code) == ("undelivered", "whatsapp", "63016")
    [failed] = await staged("NotificationFailed")
    assert (failed["status"], failed["error_code"]) == ("undelivered", "63016")


async def opted_out(runtime: ServiceRuntime, *patients: uuid.UUID) -> list[bool]:
    async with runtime.sessions() as session:
        query = select(Contact).where(Contact.user_id.in_(patients))
        return [c.opted_out_at is not None for c in await session.scalars(query)]


INBOUND = "/v1/webhooks/twilio/inbound"


@pytest.fixture
async def sharing_a_phone(clinic: Clinic) -> tuple[uuid.UUID, uuid.UUID]:
    """Two patients with the same phone."""
    return await clinic.patient(), await clinic.patient()


async def test_stop_opts_every_contact_with_the_phone_out(
    client: httpx.AsyncClient,
    clinic: Clinic,
    runtime: ServiceRuntime,
    sharing_a_phone: tuple[uuid.UUID, uuid.UUID],
) -> None:
    other = await clinic.patient(phone="+254799999999")

    stop = await twilio(client, INBOUND, {"From": f"whatsapp:{PHONE}", "Body": "  Stop \n"})

    assert stop.status_code == 200
    assert stop.headers["content-type"].startswith("text/xml")
    assert stop.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    assert await opted_out(runtime, *sharing_a_phone) == [True, True]
    assert await opted_out(runtime, other) == [False]


async def test_chatter_after_stop_changes_nothing(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    sharing_a_phone: tuple[uuid.UUID, uuid.UUID],
) -> None:
    await twilio(client, INBOUND, {"From": f"whatsapp:{PHONE}", "Body": "  Stop \n"})

    chatter = await twilio(client, INBOUND, {"From": PHONE, "Body": "stop it please"})

    assert chatter.status_code == 200
    assert await opted_out(runtime, *sharing_a_phone) == [True, True]


async def test_start_opts_every_contact_with_the_phone_back_in(
    client: httpx.AsyncClient,
    runtime: ServiceRuntime,
    sharing_a_phone: tuple[uuid.UUID, uuid.UUID],
) -> None:
    await twilio(client, INBOUND, {"From": f"whatsapp:{PHONE}", "Body": "  Stop \n"})

    start = await twilio(client, INBOUND, {"From": PHONE, "Body": "START"})

    assert start.status_code == 200
    assert await opted_out(runtime, *sharing_a_phone) == [False, False]


async def test_unsigned_inbound_messages_are_refused(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()
    form = {"From": PHONE, "Body": "STOP"}
    response = await twilio(client, "/v1/webhooks/twilio/inbound", form, token=None)
    assert response.status_code == 403
    assert await opted_out(runtime, patient) == [False]


AT_DELIVERY = "/v1/webhooks/africastalking/delivery"
AT_SUCCESS = {"id": "ATXid_1", "status": "Success", "phoneNumber": PHONE, "networkCode": "63902"}


async def test_africastalking_delivery_reports_without_the_token_are_refused(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    message = await sent_message(
        clinic,
        runtime,
        await clinic.patient(),
        provider="africastalking",
        provider_message_id="ATXid_1",
    )

    wrong = await client.post(AT_DELIVERY, params={"token": "guess"}, data=AT_SUCCESS)
    missing = await client.post(AT_DELIVERY, data=AT_SUCCESS)

    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert (await reload(runtime, message.id)).status == "sent"


async def test_africastalking_delivery_reports_with_the_token_mark_delivered(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    message = await sent_message(
        clinic,
        runtime,
        await clinic.patient(),
        provider="africastalking",
        provider_message_id="ATXid_1",
    )

    right = await client.post(AT_DELIVERY, params={"token": AT_TOKEN}, data=AT_SUCCESS)

    assert right.status_code == 200
    assert (await reload(runtime, message.id)).status == "delivered"
    assert len(await staged("NotificationDelivered")) == 1


async def test_africastalking_failures_are_undelivered(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime, staged: Staged
) -> None:
    message = await sent_message(
        clinic,
        runtime,
        await clinic.patient(),
        provider="africastalking",
        provider_message_id="ATXid_2",
    )
    path = "/v1/webhooks/africastalking/delivery"
    for status in ("Buffered", "Rejected"):
        form = {"id": "ATXid_2", "status": status, "failureReason": "UserInBlacklist"}
        assert (await client.post(path, params={"token": AT_TOKEN}, data=form)).status_code == 200

    after = await reload(runtime, message.id)
    assert (after.status, after.error_code) == ("undelivered", "UserInBlacklist")
    assert "buffered" in await history(runtime, message.id)
    [failed] = await staged("NotificationFailed")
    assert failed["error_code"] == "UserInBlacklist"


AT_INBOUND = "/v1/webhooks/africastalking/inbound"
AT_STOP = {"from": PHONE, "to": "20880", "text": "stop", "id": "x", "linkId": "y"}


async def test_africastalking_replies_without_the_token_are_refused(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()

    refused = await client.post(AT_INBOUND, params={"token": "guess"}, data=AT_STOP)

    assert refused.status_code == 403
    assert await opted_out(runtime, patient) == [False]


async def test_africastalking_stop_replies_opt_out(
    client: httpx.AsyncClient, clinic: Clinic, runtime: ServiceRuntime
) -> None:
    patient = await clinic.patient()

    stop = await client.post(AT_INBOUND, params={"token": AT_TOKEN}, data=AT_STOP)

    assert stop.status_code == 200
    assert await opted_out(runtime, patient) == [True]
