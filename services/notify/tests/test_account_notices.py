"""Identity's DuplicateRegistrationAttempted gives the account's owner one SMS, through the real
Twilio SDK against the local fake: at most one a day, in their language, under the usual rules
(opt-out, consent), and visible to them alone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from clinic_contracts.envelope import new_envelope
from clinic_contracts.identity import DuplicateRegistrationAttempted
from notify.messages.dispatch import Dispatcher
from notify.messages.models import Message
from notify.messages.rules import REGISTRATION_ATTEMPT, after_the_night
from notify.projection.handlers import on_event
from notify.projection.models import Contact
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.auth import Membership
from servicekit.consumer import deliver
from servicekit.runtime import ServiceRuntime
from sqlalchemy import select, update

from .fakes.twilio_fake import TwilioFake
from .support import Clinic, Staged

SMS_FROM = "+15005550006"
NAIROBI = ZoneInfo("Africa/Nairobi")


@pytest.fixture
async def dispatcher(
    runtime: ServiceRuntime, settings: Settings, twilio: TwilioFake
) -> AsyncIterator[Dispatcher]:
    # Account notices have no clinic, so they go through the service's default provider.
    sending = settings.model_copy(
        update={
            "default_provider": "twilio",
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": SecretStr(twilio.auth_token),
            "twilio_sms_from": SMS_FROM,
            "twilio_base_url": twilio.url,
        }
    )
    dispatcher = Dispatcher(runtime.sessions, sending)
    yield dispatcher
    await dispatcher.aclose()


async def attempt(runtime: ServiceRuntime, owner: uuid.UUID, *, at: datetime | None = None) -> None:
    """Apply one DuplicateRegistrationAttempted as the consumer would."""
    event = DuplicateRegistrationAttempted(user_id=owner, matched=["phone"])
    async with runtime.sessions() as session, session.begin():
        await deliver(on_event, session, new_envelope(event, producer="identity", occurred_at=at))


async def notices(runtime: ServiceRuntime, owner: uuid.UUID) -> list[Message]:
    async with runtime.sessions() as session:
        query = select(Message).where(Message.patient_id == owner).order_by(Message.created_at)
        return list((await session.scalars(query)).all())


async def all_due(runtime: ServiceRuntime) -> None:
    """As if the night (if it is night in Nairobi now) were over."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.status == "scheduled")
            .values(
                due_at=datetime.now(UTC) - timedelta(seconds=1),
                next_attempt_at=datetime.now(UTC) - timedelta(seconds=1),
            )
        )


async def test_repeated_attempts_give_the_owner_exactly_one_sms(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    staged: Staged,
) -> None:
    owner = await clinic.patient()
    for _ in range(5):  # an attacker trying again and again
        await attempt(runtime, owner)
    await all_due(runtime)

    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0
    [sent] = twilio.sent
    assert (sent.to, sent.from_) == ("+254712345678", SMS_FROM)
    assert sent.body.startswith("Amina, someone tried to open a new clinic booking account")
    assert "STOP" in sent.body
    [notice] = await notices(runtime, owner)
    assert (notice.kind, notice.status, notice.provider_message_id) == (
        REGISTRATION_ATTEMPT,
        "sent",
        sent.sid,
    )
    assert (notice.appointment_id, notice.clinic_id) == (None, None)
    # clinic.notify.v1 events are about appointments; account notices stay inside notify.
    assert await staged("NotificationSent") == []


async def test_another_attempt_a_day_later_is_told_again(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    owner = await clinic.patient()
    await attempt(runtime, owner, at=datetime.now(UTC) - timedelta(hours=25))
    await attempt(runtime, owner, at=datetime.now(UTC) - timedelta(hours=23))  # within the day
    await attempt(runtime, owner)  # a day after the first
    await all_due(runtime)
    assert await dispatcher.drain() == 2
    assert len(twilio.sent) == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [("sw", "mtu amejaribu kufungua akaunti"), ("fr", "quelqu'un a essayé d'ouvrir")],
)
async def test_the_notice_speaks_the_owners_language(
    clinic: Clinic,
    runtime: ServiceRuntime,
    dispatcher: Dispatcher,
    twilio: TwilioFake,
    language: str,
    words: str,
) -> None:
    owner = await clinic.patient(language=language)
    await attempt(runtime, owner)
    await all_due(runtime)
    await dispatcher.drain()
    [sent] = twilio.sent
    assert words in sent.body
    assert "STOP" in sent.body


async def test_an_owner_who_opted_out_gets_nothing(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    opted_out = await clinic.patient("+254712000001")
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Contact)
            .where(Contact.user_id == opted_out)
            .values(opted_out_at=datetime.now(UTC))
        )
    await attempt(runtime, opted_out)
    await all_due(runtime)
    await dispatcher.drain()
    assert twilio.sent == []
    [first] = await notices(runtime, opted_out)
    assert (first.status, first.error_code) == ("failed", "opted_out")


async def test_an_owner_who_never_consented_gets_nothing(
    clinic: Clinic, runtime: ServiceRuntime, dispatcher: Dispatcher, twilio: TwilioFake
) -> None:
    no_consent = await clinic.patient("+254712000002", sms=False)
    await attempt(runtime, no_consent)
    await all_due(runtime)
    await dispatcher.drain()
    assert twilio.sent == []
    [second] = await notices(runtime, no_consent)
    assert (second.status, second.error_code) == ("failed", "no_consent")


async def test_the_owner_sees_the_notice(
    clinic: Clinic, runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    owner = await clinic.patient()
    await attempt(runtime, owner)

    own = await client.get("/v1/notifications", headers=clinic.patient_headers(owner))

    assert own.status_code == 200
    [item] = own.json()["items"]
    assert (item["kind"], item["appointment_id"], item["clinic_id"]) == (
        REGISTRATION_ATTEMPT,
        None,
        None,
    )


async def test_the_owner_finds_the_notice_by_its_kind(
    clinic: Clinic, runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    owner = await clinic.patient()
    await attempt(runtime, owner)
    [item] = (await client.get("/v1/notifications", headers=clinic.patient_headers(owner))).json()[
        "items"
    ]

    by_kind = await client.get(
        "/v1/notifications",
        params={"kind": REGISTRATION_ATTEMPT},
        headers=clinic.patient_headers(owner),
    )

    assert [i["id"] for i in by_kind.json()["items"]] == [item["id"]]


async def test_clinic_staff_do_not_see_the_notice(
    clinic: Clinic, runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    await attempt(runtime, await clinic.patient())

    staff = await client.get("/v1/notifications", headers=clinic.receptionist())

    assert staff.json()["items"] == []


async def test_another_patient_gets_404_for_the_notice(
    clinic: Clinic, runtime: ServiceRuntime, client: httpx.AsyncClient
) -> None:
    owner = await clinic.patient()
    await attempt(runtime, owner)
    [item] = (await client.get("/v1/notifications", headers=clinic.patient_headers(owner))).json()[
        "items"
    ]

    other = clinic.issuer.headers(uuid.uuid4(), Membership("patient", None))

    assert (await client.get(f"/v1/notifications/{item['id']}", headers=other)).status_code == 404


def test_a_notice_at_night_waits_for_morning_where_the_number_is() -> None:
    late = datetime(2026, 12, 6, 23, 30, tzinfo=NAIROBI)
    morning = after_the_night(late.astimezone(UTC), "+254712345678")
    assert morning.astimezone(NAIROBI) == datetime(2026, 12, 7, 7, 0, tzinfo=NAIROBI)


def test_a_notice_by_day_goes_at_once() -> None:
    noon = datetime(2026, 12, 6, 12, 0, tzinfo=NAIROBI).astimezone(UTC)
    assert after_the_night(noon, "+254712345678") == noon


def test_a_notice_to_a_country_with_several_zones_goes_at_once() -> None:
    # The United States: no guess which zone the number is in.
    late = datetime(2026, 12, 6, 23, 30, tzinfo=NAIROBI)
    assert after_the_night(late.astimezone(UTC), "+12025550123") == late.astimezone(UTC)
