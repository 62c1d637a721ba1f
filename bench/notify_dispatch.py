"""Reminder dispatch: the rate from a backlog of due reminders, and the delay from due to sent.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/notify_dispatch.py [--backlog 10000] [--rate 100] \
        [--seconds 20]

A clinic using Twilio, --backlog patients each with one booked appointment and one reminder
due now, written straight into notify's tables of a fresh database. The dispatcher
(`notify.messages.dispatch.Dispatcher`, default settings: rounds of 50, 16 sends in flight)
sends them through the real `twilio` SDK to the local Twilio fake (notify's tests/fakes), which
runs in its own process so it does not share this one's CPU.

a) backlog: every reminder due at once; drained as fast as the dispatcher goes. Prints
   reminders per second and the due-to-sent delay (p50/p99), which is mostly queueing.
b) steady: --rate reminders fall due per second for --seconds, with the dispatcher running
   as the service runs it (`dispatch_forever`: a round when the next reminder falls due, at
   once while work remains). Prints the due-to-sent delay (p50/p99), which is what a patient
   would notice.

"Sent" is the commit that records the provider's id. PostgreSQL: BENCH_DATABASE_URL, else
TEST_DATABASE_URL, else the embedded server. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import harness

BENCH_DATABASE = "bench_notify"
NOTIFY = Path(__file__).resolve().parent.parent / "services/notify/src/notify/migrations"


def run_fake(ready: Any, stop: Any) -> None:
    import sys

    # The fake is test support, not part of the notify package.
    sys.path.insert(0, str(NOTIFY.parent.parent.parent / "tests"))
    from fakes.twilio_fake import TwilioFake

    with TwilioFake(account_sid="AC" + "0" * 32, auth_token="bench-token") as fake:
        ready.put(fake.url)
        stop.wait()
        ready.put(len(fake.sent))


async def seed(sessions: Any, clinic_id: uuid.UUID, dues: list[datetime]) -> None:
    from notify.messages.models import Message
    from notify.projection.models import Appointment, Clinic, Contact
    from sqlalchemy import insert

    async with sessions() as session, session.begin():
        await session.execute(
            insert(Clinic).values(
                id=clinic_id,
                name="Bench Clinic",
                time_zone="Africa/Nairobi",
                provider="twilio",
                quiet_from=None,
                quiet_until=None,
            )
        )
    for start in range(0, len(dues), 2000):
        chunk = dues[start : start + 2000]
        patients = [uuid.uuid4() for _ in chunk]
        visits = [uuid.uuid4() for _ in chunk]
        async with sessions() as session, session.begin():
            await session.execute(
                insert(Contact),
                [
                    {
                        "user_id": p,
                        "kind": "patient",
                        "full_name": "Bench Patient",
                        "phone": f"+2547{i:08d}",
                        "consent_sms": True,
                    }
                    for i, p in enumerate(patients, start=start)
                ],
            )
            await session.execute(
                insert(Appointment),
                [
                    {
                        "id": v,
                        "clinic_id": clinic_id,
                        "patient_id": p,
                        "provider_id": clinic_id,
                        "type_name": "General consultation",
                        "status": "booked",
                        "starts_at": due + timedelta(hours=2),
                        "time_zone": "Africa/Nairobi",
                        "as_of": datetime.now(UTC),
                    }
                    for v, p, due in zip(visits, patients, chunk, strict=True)
                ],
            )
            await session.execute(
                insert(Message),
                [
                    {
                        "id": uuid.uuid4(),
                        "appointment_id": v,
                        "clinic_id": clinic_id,
                        "patient_id": p,
                        "kind": "reminder",
                        "nominal_at": due,
                        "due_at": due,
                    }
                    for v, p, due in zip(visits, patients, chunk, strict=True)
                ],
            )


async def delays_ms(sessions: Any, clinic_id: uuid.UUID) -> list[int]:
    from notify.messages.models import Message
    from sqlalchemy import select

    async with sessions() as session:
        rows = await session.execute(
            select(Message.nominal_at, Message.sent_at).where(
                Message.clinic_id == clinic_id, Message.status == "sent"
            )
        )
        return [int((sent - due).total_seconds() * 1e6) for due, sent in rows]


async def main(backlog: int, rate: int, seconds: int) -> None:
    from notify.messages.dispatch import Dispatcher, dispatch_forever
    from notify.settings import Settings
    from pydantic import SecretStr
    from servicekit.db import create_engine, session_factory
    from servicekit.migrations import upgrade
    from servicekit.provision import drop_database, provision

    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    fake = context.Process(target=run_fake, args=(ready, stop), daemon=True)
    fake.start()
    fake_url = ready.get(timeout=60)
    async with contextlib.AsyncExitStack() as stack:
        admin, kind = await harness.postgres(stack)
        url = (await provision(admin, BENCH_DATABASE, {"notify": "bench-notify-pw-1"}))["notify"]
        stack.push_async_callback(drop_database, admin, BENCH_DATABASE)
        await asyncio.to_thread(upgrade, NOTIFY, url)
        settings = Settings(
            database_url=url,
            twilio_account_sid="AC" + "0" * 32,
            twilio_auth_token=SecretStr("bench-token"),
            twilio_sms_from="+15005550006",
            twilio_base_url=fake_url,
            public_url="https://clinic.example.org",
        )
        engine = create_engine(url)
        stack.push_async_callback(engine.dispose)
        sessions = session_factory(engine)
        print(f"PostgreSQL: {kind}; Twilio: local fake at {fake_url} (own process)")

        first = uuid.uuid4()
        now = datetime.now(UTC)
        await seed(sessions, first, [now] * backlog)
        dispatcher = Dispatcher(sessions, settings)
        began = time.perf_counter()
        sent = await dispatcher.drain()
        took = time.perf_counter() - began
        await dispatcher.aclose()
        backlog_delays = await delays_ms(sessions, first)

        second = uuid.uuid4()
        start = datetime.now(UTC) + timedelta(seconds=3)
        count = rate * seconds
        await seed(sessions, second, [start + timedelta(seconds=i / rate) for i in range(count)])
        runtime = _Runtime(sessions, settings)
        loop = asyncio.create_task(dispatch_forever(runtime))  # type: ignore[arg-type]
        end = start + timedelta(seconds=seconds + 10)
        while datetime.now(UTC) < end and len(await delays_ms(sessions, second)) < count:
            await asyncio.sleep(0.5)
        runtime.stopping.set()
        await loop
        steady_delays = await delays_ms(sessions, second)

    stop.set()
    received = ready.get(timeout=30)
    fake.join(timeout=30)
    pct = harness.percentile_ms
    print(f"a) backlog of {backlog}: {sent} sent in {took:.1f} s = {sent / took:,.0f} reminders/s;")
    print(
        f"   due-to-sent p50 {pct(backlog_delays, 0.5):,.0f} ms, "
        f"p99 {pct(backlog_delays, 0.99):,.0f} ms (queueing behind the backlog)"
    )
    print(
        f"b) steady {rate}/s for {seconds} s: {len(steady_delays)}/{count} sent; due-to-sent "
        f"p50 {pct(steady_delays, 0.5):,.0f} ms, p99 {pct(steady_delays, 0.99):,.0f} ms"
    )
    print(f"The fake received {received} messages for {backlog + count} reminders.")


class _Runtime:
    """What dispatch_forever reads of a ServiceRuntime."""

    def __init__(self, sessions: Any, settings: Any) -> None:
        self.sessions = sessions
        self.settings = settings
        self.stopping = asyncio.Event()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.backlog, arguments.rate, arguments.seconds))
