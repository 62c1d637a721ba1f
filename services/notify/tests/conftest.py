"""The notify app on the real PostgreSQL, with a clinic, a patient and helpers to book."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator

import pytest
from notify.app import create_app
from notify.projection.handlers import on_event
from notify.settings import Settings
from servicekit.runtime import ServiceRuntime
from servicekit.testing.apps import staged_events
from servicekit.testing.fixtures import Apply, service_fixtures
from servicekit.testing.issuer import TokenIssuer

from .fakes.twilio_fake import TwilioFake
from .support import Clinic, Staged

# Events are applied by `apply`; dispatch rounds are run by the tests themselves.
settings, issuer, app, client, runtime, apply = service_fixtures(
    "notify",
    Settings,
    lambda settings: create_app(settings, consume=False, dispatch=False),
    handler=on_event,
    public_url="https://clinic.example.org",
)


@pytest.fixture
async def clinic(apply: Apply, issuer: TokenIssuer, runtime: ServiceRuntime) -> Clinic:
    return await Clinic(apply, issuer, runtime).open()


@pytest.fixture
def staged(runtime: ServiceRuntime) -> Staged:
    """Payloads of staged events, oldest first: `await staged("NotificationSent")`."""
    return functools.partial(staged_events, runtime)


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioFake]:
    """The local Twilio fake, for the tests that send through the real SDK."""
    async with TwilioFake() as fake:
        yield fake
