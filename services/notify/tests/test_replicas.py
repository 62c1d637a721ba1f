"""Two `python -m notify` processes on one database send every message exactly once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from notify.messages.models import Message
from notify.settings import Settings
from servicekit.runtime import ServiceRuntime
from servicekit.testing.issuer import TokenIssuer
from servicekit.testing.processes import jwks_server, service_process
from sqlalchemy import func, select

from .fakes.twilio_fake import TwilioFake
from .support import Clinic

PATIENTS = 60  # a confirmation and a reminder each


async def _unfinished(runtime: ServiceRuntime) -> int:
    async with runtime.sessions() as session:
        query = select(func.count()).where(Message.status.in_(("scheduled", "sending")))
        return int(await session.scalar(query.select_from(Message)) or 0)


async def test_two_notify_processes_send_each_message_once(
    clinic: Clinic, runtime: ServiceRuntime, settings: Settings, issuer: TokenIssuer
) -> None:
    await clinic.uses(provider="twilio", quiet_from=None, quiet_until=None)
    async with TwilioFake() as twilio:
        env = {
            "NOTIFY_TWILIO_ACCOUNT_SID": twilio.account_sid,
            "NOTIFY_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "NOTIFY_TWILIO_SMS_FROM": "+15005550006",
            "NOTIFY_TWILIO_BASE_URL": twilio.url,
            "NOTIFY_PUBLIC_URL": "https://clinic.example.org",
            "NOTIFY_DISPATCH_BATCH": "5",
            "NOTIFY_DISPATCH_INTERVAL_SECONDS": "0.1",
        }
        twilio.latency_seconds = 0.01  # a provider is never instant: let rounds overlap
        with (
            jwks_server(issuer.jwks()) as jwks_url,
            service_process("notify", settings, issuer, jwks_url, env),
            service_process("notify", settings, issuer, jwks_url, env),
        ):
            # Visits two hours ahead: the day-before reminder is past, the 2-hour one due in 20 s
            # (planned only if the booking is applied before then, even on a busy machine).
            soon = timedelta(hours=2, seconds=20)
            for _ in range(PATIENTS):
                await clinic.apply(clinic.booked(await clinic.patient(), starts_in=soon))
            deadline = time.monotonic() + 200  # a bound, not a speed: a loaded machine is slow
            while await _unfinished(runtime) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        sent = list(twilio.sent)

    assert await _unfinished(runtime) == 0
    per_message = [m.status_callback for m in sent]
    assert len(per_message) == PATIENTS * 2
    assert len(set(per_message)) == PATIENTS * 2  # no message twice
    statuses = {m.status for m in await clinic.messages()}
    assert statuses == {"sent"}
