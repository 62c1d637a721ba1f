"""Our Twilio requests and the fake's answers, checked against Twilio's published OpenAPI.

`twilio_openapi/messages.json` is the Messages API cut out of twilio-oai (see its extract.py):
the SDK's create and list requests must use only fields Twilio defines (and the required
ones), and the fake must answer with documents Twilio's schemas accept, so tests against the
fake say something about Twilio itself.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from jsonschema import Draft202012Validator
from notify.providers.base import Outgoing
from notify.providers.twilio import TwilioProvider
from notify.settings import Settings
from pydantic import SecretStr

from .fakes.twilio_fake import TwilioFake

SPEC = json.loads((Path(__file__).parent / "twilio_openapi" / "messages.json").read_text())


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$defs": SPEC["$defs"], **SPEC[name]})


@pytest.fixture
async def fake() -> AsyncIterator[TwilioFake]:
    async with TwilioFake() as twilio:
        yield twilio


@pytest.fixture
async def provider(fake: TwilioFake) -> AsyncIterator[TwilioProvider]:
    settings = Settings(
        twilio_account_sid=fake.account_sid,
        twilio_auth_token=SecretStr(fake.auth_token),
        twilio_sms_from="+15005550006",
        twilio_whatsapp_from="+14155238886",
        twilio_base_url=fake.url,
    )
    twilio = TwilioProvider(settings)
    yield twilio
    await twilio.aclose()


def _message(channel: Any = "sms") -> Outgoing:
    callback = f"https://clinic.example.org/v1/webhooks/twilio/status?message_id={uuid4()}"
    return Outgoing(uuid4(), "+254712345678", "Kibera Clinic: reminder.", channel, callback)


async def test_the_sdks_requests_use_only_fields_twilio_defines(
    provider: TwilioProvider, fake: TwilioFake
) -> None:
    for channel in ("sms", "whatsapp"):
        await provider.send(_message(channel))
    await provider.find(_message(), datetime.now(UTC) - timedelta(hours=1))

    creates = [form for method, form in fake.requests if method == "POST"]
    lists = [query for method, query in fake.requests if method == "GET"]
    assert len(creates) == 2
    assert lists
    for form in creates:
        _validator("create_request").validate(form)
        assert set(form) <= set(SPEC["create_request"]["properties"]), form
        assert set(SPEC["create_request"]["required"]) <= set(form)
    for query in lists:
        assert set(query) <= set(SPEC["list_parameters"]), query


async def test_the_fakes_answers_are_what_twilio_documents(fake: TwilioFake) -> None:
    auth = (fake.account_sid, fake.auth_token)
    base = f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    async with httpx.AsyncClient(auth=auth) as client:
        form = {"To": "+254712345678", "From": "+15005550006", "Body": "Hello"}
        created = await client.post(base, data=form)
        listed = await client.get(base, params={"To": "+254712345678", "PageSize": 1})
        refused = await client.post(base, data={"To": "+254712345678", "From": "+15005550006"})

    assert created.status_code == 201
    _validator("message").validate(created.json())
    assert listed.status_code == 200
    _validator("list_response").validate(listed.json())
    assert listed.json()["messages"][0]["sid"] == created.json()["sid"]
    assert refused.status_code == 400
    assert refused.json()["code"] == 21602  # Twilio's "Message body is required"
