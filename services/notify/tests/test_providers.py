"""The providers drive the real Twilio and Africa's Talking SDKs against local HTTP fakes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from clinic_contracts.notify import Channel
from notify.providers import build_providers
from notify.providers.africastalking import AfricasTalkingProvider
from notify.providers.base import Outgoing, SendFailed
from notify.providers.log import LogProvider
from notify.providers.twilio import TwilioProvider, signature_valid
from notify.settings import Settings
from servicekit.testing import free_port
from twilio.request_validator import RequestValidator

from .fakes.africastalking_fake import AfricasTalkingFake
from .fakes.twilio_fake import TwilioFake

# Only the timeout tests may see a timeout: elsewhere a slow answer on a loaded machine would
# fail a send that did reach the fake.
NO_TIMEOUT = 60.0
TIMEOUT = 0.3
LONGER_THAN_TIMEOUT = 1.0
PATIENT = "+254712345678"
SMS_FROM, WHATSAPP_FROM = "+15005550006", "+14155238886"
CALLBACK = "https://clinic.example.org/notify/callbacks/twilio"


def outgoing(channel: Channel = "sms", body: str = "Your appointment is at 10:00.") -> Outgoing:
    return Outgoing(uuid4(), PATIENT, body, channel, status_callback=CALLBACK)


def twilio_settings(
    url: str, account_sid: str, auth_token: str, timeout: float = NO_TIMEOUT
) -> Settings:
    return Settings(
        twilio_account_sid=account_sid,
        twilio_auth_token=auth_token,
        twilio_sms_from=SMS_FROM,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_base_url=url,
        provider_timeout_seconds=timeout,
    )


@pytest.fixture(scope="module")
def twilio_server() -> Iterator[TwilioFake]:
    with TwilioFake() as fake:
        yield fake


@pytest.fixture
def twilio_fake(twilio_server: TwilioFake) -> TwilioFake:
    twilio_server.reset()
    return twilio_server


@pytest.fixture
async def twilio(twilio_fake: TwilioFake) -> AsyncIterator[TwilioProvider]:
    fake = twilio_fake
    provider = TwilioProvider(twilio_settings(fake.url, fake.account_sid, fake.auth_token))
    yield provider
    await provider.aclose()


async def test_twilio_sms_arrives_with_sender_body_and_callback(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    accepted = await twilio.send(outgoing())

    [received] = twilio_fake.sent
    assert (received.to, received.from_, received.status_callback) == (PATIENT, SMS_FROM, CALLBACK)
    assert received.body == "Your appointment is at 10:00."
    assert (accepted.provider_message_id, accepted.status) == (received.sid, "queued")


async def test_twilio_whatsapp_addresses_carry_the_prefix(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    await twilio.send(outgoing("whatsapp"))

    [received] = twilio_fake.sent
    assert (received.to, received.from_) == (f"whatsapp:{PATIENT}", f"whatsapp:{WHATSAPP_FROM}")


async def test_twilio_wrong_credentials_are_refused_permanently(twilio_fake: TwilioFake) -> None:
    settings = twilio_settings(twilio_fake.url, twilio_fake.account_sid, "wrong-token")
    provider = TwilioProvider(settings)
    try:
        with pytest.raises(SendFailed) as refused:
            await provider.send(outgoing())
    finally:
        await provider.aclose()
    assert (refused.value.code, refused.value.transient) == ("20003", False)
    assert twilio_fake.sent == []


@pytest.mark.parametrize(("status", "code"), [(500, "20500"), (503, "20500"), (429, "20429")])
async def test_twilio_server_errors_and_throttling_are_transient(
    twilio: TwilioProvider, twilio_fake: TwilioFake, status: int, code: str
) -> None:
    twilio_fake.fail_next(status=status)

    with pytest.raises(SendFailed) as failed:
        await twilio.send(outgoing())
    assert (failed.value.code, failed.value.transient, failed.value.ambiguous) == (
        code,
        True,
        False,
    )


async def test_twilio_invalid_number_is_permanent_without_the_number(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    twilio_fake.reject_number(PATIENT)

    with pytest.raises(SendFailed) as refused:
        await twilio.send(outgoing())
    assert (refused.value.code, refused.value.transient) == ("21211", False)
    assert PATIENT not in refused.value.detail
    assert "678" in refused.value.detail


async def test_twilio_timeout_after_acceptance_is_ambiguous_and_found(
    twilio_fake: TwilioFake, caplog: pytest.LogCaptureFixture
) -> None:
    fake = twilio_fake
    twilio = TwilioProvider(twilio_settings(fake.url, fake.account_sid, fake.auth_token, TIMEOUT))
    # The look-up is not what times out here: on a loaded machine it may wait behind the
    # delayed send in the fake, which a 0.3 s timeout would take for the provider's fault.
    patient = TwilioProvider(twilio_settings(fake.url, fake.account_sid, fake.auth_token))
    message, started = outgoing(), datetime.now(UTC)
    twilio_fake.delay_next(LONGER_THAN_TIMEOUT)

    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(SendFailed) as unknown:
            await twilio.send(message)
        assert (unknown.value.transient, unknown.value.ambiguous) == (True, True)

        with caplog.at_level(logging.DEBUG):
            found = await patient.find(message, started)
    finally:
        await twilio.aclose()
        await patient.aclose()
    [received] = twilio_fake.sent
    assert found is not None
    assert found.provider_message_id == received.sid
    assert PATIENT not in caplog.text  # the SDK logs each lookup's query, number included


async def test_twilio_find_ignores_other_bodies_and_earlier_sends(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    await twilio.send(outgoing(body="An earlier reminder."))
    message = outgoing()

    assert await twilio.find(message, datetime.now(UTC) - timedelta(minutes=1)) is None
    await twilio.send(message)
    assert await twilio.find(message, datetime.now(UTC) + timedelta(hours=1)) is None


async def test_twilio_find_sees_a_message_still_in_twilios_queue(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    twilio_fake.hold_in_queue()  # no date sent yet, so Twilio's DateSent filter misses it
    message, started = outgoing(), datetime.now(UTC)
    accepted = await twilio.send(message)

    assert await twilio.find(message, started) == accepted


async def test_twilio_lookup_failure_is_transient(
    twilio: TwilioProvider, twilio_fake: TwilioFake
) -> None:
    twilio_fake.fail_next(status=500)

    with pytest.raises(SendFailed) as failed:
        await twilio.find(outgoing(), datetime.now(UTC))
    assert failed.value.transient


async def test_twilio_unreachable_is_transient_not_ambiguous(twilio_fake: TwilioFake) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    provider = TwilioProvider(twilio_settings(url, twilio_fake.account_sid, "token"))
    try:
        with pytest.raises(SendFailed) as failed:
            await provider.send(outgoing())
    finally:
        await provider.aclose()
    assert (failed.value.code, failed.value.transient, failed.value.ambiguous) == (
        "unreachable",
        True,
        False,
    )


def test_twilio_signature_is_checked() -> None:
    url, token = "https://clinic.example.org/notify/callbacks/twilio?m=1", "auth-token"
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    signature = RequestValidator(token).compute_signature(url, form)

    assert signature_valid(token, url, form, signature)
    assert not signature_valid(token, url, {**form, "MessageStatus": "failed"}, signature)
    assert not signature_valid("another-token", url, form, signature)


@pytest.fixture(scope="module")
def africastalking_server() -> Iterator[AfricasTalkingFake]:
    with AfricasTalkingFake() as fake:
        yield fake


@pytest.fixture
def africastalking_fake(africastalking_server: AfricasTalkingFake) -> AfricasTalkingFake:
    africastalking_server.reset()
    return africastalking_server


def africastalking_settings(
    url: str, api_key: str = "test-api-key", timeout: float = NO_TIMEOUT
) -> Settings:
    return Settings(
        africastalking_username="clinic",
        africastalking_api_key=api_key,
        africastalking_sender_id="CLINIC",
        africastalking_base_url=url,
        provider_timeout_seconds=timeout,
    )


@pytest.fixture
def africastalking(africastalking_fake: AfricasTalkingFake) -> AfricasTalkingProvider:
    return AfricasTalkingProvider(africastalking_settings(africastalking_fake.url))


async def test_africastalking_sms_arrives_with_credentials(
    africastalking: AfricasTalkingProvider, africastalking_fake: AfricasTalkingFake
) -> None:
    accepted = await africastalking.send(outgoing())

    [received] = africastalking_fake.sent
    assert (received.username, received.api_key) == ("clinic", "test-api-key")
    assert (received.to, received.message, received.sender_id) == (
        PATIENT,
        "Your appointment is at 10:00.",
        "CLINIC",
    )
    assert (accepted.provider_message_id, accepted.status) == (received.message_id, "Success")


@pytest.mark.parametrize(
    ("status_code", "code", "transient"),
    [(403, "InvalidPhoneNumber", False), (406, "UserInBlacklist", False),
     (405, "InsufficientBalance", True), (500, "InternalServerError", True)],
)  # fmt: skip
async def test_africastalking_recipient_status_decides(
    africastalking: AfricasTalkingProvider,
    africastalking_fake: AfricasTalkingFake,
    status_code: int,
    code: str,
    transient: bool,
) -> None:
    africastalking_fake.reject_number(PATIENT, status_code)

    with pytest.raises(SendFailed) as refused:
        await africastalking.send(outgoing())
    assert (refused.value.code, refused.value.transient) == (code, transient)


async def test_africastalking_http_error_is_transient(
    africastalking: AfricasTalkingProvider, africastalking_fake: AfricasTalkingFake
) -> None:
    africastalking_fake.fail_next(status=500)

    with pytest.raises(SendFailed) as failed:
        await africastalking.send(outgoing())
    assert (failed.value.transient, failed.value.ambiguous) == (True, False)


async def test_africastalking_read_timeout_is_ambiguous(
    africastalking_fake: AfricasTalkingFake,
) -> None:
    settings = africastalking_settings(africastalking_fake.url, timeout=TIMEOUT)
    africastalking = AfricasTalkingProvider(settings)
    africastalking_fake.delay_next(LONGER_THAN_TIMEOUT)

    with pytest.raises(SendFailed) as unknown:
        await africastalking.send(outgoing())
    assert (unknown.value.transient, unknown.value.ambiguous) == (True, True)
    assert len(africastalking_fake.sent) == 1  # taken: which is why it must not be resent
    assert await africastalking.find(outgoing(), datetime.now(UTC)) is None
    assert not africastalking.can_reconcile


async def test_africastalking_unreachable_is_not_ambiguous() -> None:
    provider = AfricasTalkingProvider(africastalking_settings(f"http://127.0.0.1:{free_port()}"))

    with pytest.raises(SendFailed) as failed:
        await provider.send(outgoing())
    assert (failed.value.code, failed.value.ambiguous) == ("unreachable", False)


async def test_log_provider_keeps_number_and_text_out_of_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider, message = LogProvider(), outgoing(body="Dr. Achieng sees you at 10:00.")
    assert await provider.find(message, datetime.now(UTC)) is None

    with caplog.at_level(logging.INFO, logger="notify.providers.log"):
        accepted = await provider.send(message)
    assert PATIENT not in caplog.text
    assert "Achieng" not in caplog.text
    assert str(message.message_id) in caplog.text
    assert "678" in caplog.text
    assert accepted.provider_message_id == f"log-{message.message_id}"
    assert await provider.find(message, datetime.now(UTC)) == accepted


def test_providers_are_built_from_the_credentials_present() -> None:
    assert set(build_providers(Settings())) == {"log"}
    configured = Settings(
        twilio_account_sid="AC1",
        twilio_auth_token="token",
        africastalking_username="clinic",
        africastalking_api_key="key",
    )
    assert set(build_providers(configured)) == {"log", "twilio", "africastalking"}
