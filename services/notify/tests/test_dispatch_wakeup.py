"""The running dispatcher: asleep until a message falls due, woken at once (NOTIFY) when one is
planned by any process, and still polling, if less often, when LISTEN is not to be had."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from notify.messages.dispatch import Dispatcher, keep_dispatching
from notify.messages.repository import DISPATCH_CHANNEL
from notify.settings import Settings
from pydantic import SecretStr
from servicekit.db import asyncpg_dsn
from servicekit.runtime import ServiceRuntime
from servicekit.testing import free_port
from servicekit.wakeup import Wakeup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .fakes.twilio_fake import TwilioFake
from .support import Clinic

LONGEST_PAUSE = 300.0  # the most the settings allow: only a wake-up sends within BOUND
BOUND = 30.0  # seconds: how long a test waits for what it expects, even on a loaded machine


class WatchedDispatcher(Dispatcher):
    """A dispatcher that keeps the pauses its workers chose, to tell when they have gone idle."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        super().__init__(sessions, settings)
        self.pauses: list[float] = []

    async def pause_before_next(self) -> float:
        pause = await super().pause_before_next()
        self.pauses.append(pause)
        return pause


async def until(predicate: Callable[[], Awaitable[bool] | bool]) -> bool:
    """Whether `predicate` came true within BOUND seconds."""
    end = time.monotonic() + BOUND
    while time.monotonic() < end:
        answer = predicate()
        if await answer if isinstance(answer, Awaitable) else answer:
            return True
        await asyncio.sleep(0.05)
    return False


def dsn(settings: Settings) -> str:
    return asyncpg_dsn(settings.database_url.get_secret_value())


@pytest.fixture
def sending(settings: Settings, twilio: TwilioFake) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": twilio.account_sid,
            "twilio_auth_token": SecretStr(twilio.auth_token),
            "twilio_sms_from": "+15005550006",
            "twilio_base_url": twilio.url,
            "provider_timeout_seconds": 60.0,  # nothing here times out
            "dispatch_interval_seconds": LONGEST_PAUSE,
        }
    )


@pytest.fixture
async def dispatcher(
    runtime: ServiceRuntime, sending: Settings
) -> AsyncIterator[WatchedDispatcher]:
    dispatcher = WatchedDispatcher(runtime.sessions, sending)
    yield dispatcher
    await dispatcher.aclose()


async def test_a_planned_message_wakes_the_sleeping_dispatcher(
    clinic: Clinic, sending: Settings, dispatcher: WatchedDispatcher, twilio: TwilioFake
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    wakeup, stop = Wakeup(dsn(sending), DISPATCH_CHANNEL), asyncio.Event()
    listener = asyncio.create_task(wakeup.run())
    await asyncio.wait_for(wakeup.listening.wait(), BOUND)
    wakeup.event.clear()  # its catch-up call: nothing is planned yet
    loop = asyncio.create_task(keep_dispatching(dispatcher, wakeup, stop))
    try:
        # Each worker's first round finds nothing and chooses the longest pause: they sleep.
        assert await until(lambda: len(dispatcher.pauses) == sending.dispatch_workers)
        assert set(dispatcher.pauses) == {LONGEST_PAUSE}

        await clinic.apply(clinic.booked(patient))  # planned in another process's transaction

        async def confirmed() -> bool:
            statuses = [m.status for m in await clinic.messages() if m.kind == "confirmation"]
            return statuses == ["sent"]

        assert await until(lambda: len(twilio.sent) == 1)  # long before the pause is over
        # Recorded once the provider's answer is in, a moment after the fake has the message.
        assert await until(confirmed)
    finally:
        stop.set()
        listener.cancel()
        await asyncio.wait_for(asyncio.gather(listener, loop, return_exceptions=True), BOUND)


async def test_without_listen_the_dispatcher_still_polls(
    clinic: Clinic,
    runtime: ServiceRuntime,
    sending: Settings,
    twilio: TwilioFake,
) -> None:
    await clinic.uses(provider="twilio")
    patient = await clinic.patient()
    polling = sending.model_copy(update={"dispatch_interval_seconds": 0.2})
    dispatcher = Dispatcher(runtime.sessions, polling)
    nowhere = Wakeup(f"postgresql://nobody@127.0.0.1:{free_port()}/none", DISPATCH_CHANNEL)
    stop = asyncio.Event()
    listener = asyncio.create_task(nowhere.run())
    loop = asyncio.create_task(keep_dispatching(dispatcher, nowhere, stop))
    try:
        await clinic.apply(clinic.booked(patient))

        assert await until(lambda: len(twilio.sent) == 1)
        assert not nowhere.listening.is_set()
    finally:
        stop.set()
        listener.cancel()
        await asyncio.wait_for(asyncio.gather(listener, loop, return_exceptions=True), BOUND)
        await dispatcher.aclose()


async def test_only_a_planned_message_notifies(clinic: Clinic, sending: Settings) -> None:
    """Nothing planned (a duplicate event, a registration): no NOTIFY, no needless round."""
    heard: asyncio.Queue[str] = asyncio.Queue()
    connection = await asyncpg.connect(dsn(sending))
    try:
        await connection.add_listener(DISPATCH_CHANNEL, lambda *args: heard.put_nowait(args[3]))
        patient = await clinic.patient()
        booked = clinic.booked(patient)
        await clinic.apply(booked)  # a confirmation and two reminders: one NOTIFY at commit
        await clinic.apply(booked)  # the same again plans nothing
        await connection.execute(f"SELECT pg_notify('{DISPATCH_CHANNEL}', 'the end')")

        payloads = [await asyncio.wait_for(heard.get(), BOUND)]
        while payloads[-1] != "the end":
            payloads.append(await asyncio.wait_for(heard.get(), BOUND))
    finally:
        await connection.close()
    assert payloads == ["", "the end"]
