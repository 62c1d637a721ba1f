"""Offline sync: a pull snapshot of a busy clinic, and a 500-mutation backlog pushed.

    uv run --frozen python bench/offline_sync.py [--providers 50] [--booked 0.5]
        [--patients 3000] [--mutations 500]

A clinic in Africa/Nairobi with --providers providers working 08:00-17:00 every day of the
pull's window (7 days back, 14 ahead), two types (20 and 30 minutes, 10-minute buffer on
the second), --patients patients in the directory and --booked of every provider's 20-minute
slots booked (past ones fulfilled), copied straight into booking's tables. Then, against
`python -m booking` with a receptionist's token:

1. `GET /v1/sync/clinics/{id}` (a snapshot) three times: the best time, the body's size raw
   and gzipped (level 6, as a reverse proxy would send it);
2. `POST /v1/sync/push` straight to booking (not through the gateway, whose own push splits
   a device batch into runs and forwards booking's to this endpoint): --mutations mutations,
   bookings into free starts the snapshot offered and, every tenth, a cancel of the booking
   before it; the wall time of the one request.

Targets (2 cores): snapshot < 1 s and < 1 MB gzipped; push of 500 < 10 s.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server; Kafka likewise. The database is a fresh one, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import random
import time as clock
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
from harness import kafka as start_broker
from harness import postgres

TIME_ZONE = "Africa/Nairobi"


async def seed(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The clinic, its staff and shifts through the projection; patients and visits by SQL."""
    from booking.projection.handlers import on_event
    from clinic_contracts.envelope import new_envelope
    from clinic_contracts.identity import ClinicCreated, MembershipGranted, UserRegistered
    from clinic_contracts.shifts import ShiftScheduled
    from servicekit.db import create_engine, session_factory
    from servicekit.localtime import instant, local_day, zone
    from sqlalchemy import text

    tz, rng = zone(TIME_ZONE), random.Random(7)
    today = local_day(datetime.now(UTC), tz)
    days = [today + timedelta(days=n) for n in range(-7, 14)]
    clinic, staff = uuid.uuid4(), [uuid.uuid4() for _ in range(args.providers)]
    events: list[Any] = [ClinicCreated(clinic_id=clinic, name="Remote", time_zone=TIME_ZONE)]
    for n, provider in enumerate(staff):
        events += [
            UserRegistered(user_id=provider, kind="staff", full_name=f"Dr Provider {n}"),
            MembershipGranted(user_id=provider, clinic_id=clinic, role="provider"),
        ]
        events += [
            ShiftScheduled(
                shift_id=uuid.uuid4(),
                clinic_id=clinic,
                staff_id=provider,
                role="provider",
                starts_at=instant(day, time(8), tz),
                ends_at=instant(day, time(17), tz),
                local_date=day.isoformat(),
                time_zone=TIME_ZONE,
            )
            for day in days
        ]
    patients = [uuid.uuid4() for _ in range(args.patients)]
    short, long = uuid.uuid4(), uuid.uuid4()
    visits = _visits(clinic, short, staff, patients, days, tz, args.booked, rng)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            for event in events:
                await on_event(session, new_envelope(event, producer="bench"))
            for type_id, name, minutes, buffer in (
                (short, "Review", 20, 0),
                (long, "Consult", 30, 10),
            ):
                await session.execute(
                    text(
                        "INSERT INTO booking.appointment_types (id, clinic_id, name,"
                        " duration_minutes, buffer_after_minutes, step_minutes)"
                        " VALUES (:id, :clinic, :name, :minutes, :buffer, 10)"
                    ),
                    {
                        "id": type_id,
                        "clinic": clinic,
                        "name": name,
                        "minutes": minutes,
                        "buffer": buffer,
                    },
                )
            await session.execute(
                text("INSERT INTO booking.patients (id, full_name, phone) VALUES (:id, :n, :p)"),
                [
                    {"id": p, "n": f"Patient {i}", "p": f"+2547{i:08d}"}
                    for i, p in enumerate(patients)
                ],
            )
            await session.execute(
                text(
                    "INSERT INTO booking.appointments (id, clinic_id, type_id, provider_id,"
                    " patient_id, status, starts_at, ends_at, blocked_from, blocked_until,"
                    " booked_by, booked_at, created_by) VALUES (:id, :clinic, :type, :provider,"
                    " :patient, :status, :start, :end, :start, :end, 'clinic', now(), :provider)"
                ),
                visits,
            )
            await session.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return {"id": clinic, "long": long, "patients": patients, "visits": len(visits)}


def _visits(
    clinic: uuid.UUID,
    type_id: uuid.UUID,
    staff: list[uuid.UUID],
    patients: list[uuid.UUID],
    days: list[date],
    tz: Any,
    booked: float,
    rng: random.Random,
) -> list[dict[str, Any]]:
    from servicekit.localtime import instant

    now, found = datetime.now(UTC), []
    # A patient at most once at a time: consecutive visits go to consecutive patients.
    for day in days:
        opens = instant(day, time(8), tz)
        for slot in range(27):  # 20-minute visits from 08:00 to 17:00
            start = opens + timedelta(minutes=20 * slot)
            for provider in staff:
                if rng.random() >= booked:
                    continue
                found.append(
                    {
                        "id": uuid.uuid4(),
                        "clinic": clinic,
                        "type": type_id,
                        "provider": provider,
                        "patient": patients[len(found) % len(patients)],
                        "status": "fulfilled" if start < now else "booked",
                        "start": start,
                        "end": start + timedelta(minutes=20),
                    }
                )
    return found


def backlog(snapshot: dict[str, Any], clinic: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """Bookings into free starts of the 30-minute type (an hour apart), every tenth a cancel."""
    rng = random.Random(11)
    starts = [
        (item["provider_id"], at)
        for item in snapshot["availability"]
        if item["type_id"] == str(clinic["long"])
        for at in item["starts"][::6]
    ]
    rng.shuffle(starts)
    mutations: list[dict[str, Any]] = []
    last_booked = None
    for seq in range(count):
        if seq % 10 == 9 and last_booked:
            args = {"appointment_id": last_booked, "reason": "Patient called"}
            mutations.append(_mutation(seq, "cancel", args))
            continue
        provider, at = starts.pop()
        last_booked = str(uuid.uuid4())
        args = {
            "appointment_id": last_booked,
            "type_id": str(clinic["long"]),
            "patient_id": str(rng.choice(clinic["patients"])),
            "provider_id": provider,
            "starts_at": at,
            "walk_in": False,
        }
        mutations.append(_mutation(seq, "book", args))
    return mutations


def _mutation(seq: int, kind: str, args: dict[str, Any]) -> dict[str, Any]:
    recorded = datetime.now(UTC).isoformat()
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "recorded_at": recorded,
        "kind": kind,
        "args": args,
    }


async def measure(
    client: httpx.AsyncClient,
    clinic: dict[str, Any],
    headers: dict[str, str],
    args: argparse.Namespace,
) -> None:
    url = f"/v1/sync/clinics/{clinic['id']}"
    timings, body = [], b""
    for _ in range(3):
        started = clock.perf_counter()
        response = await client.get(url, params={"device_id": str(uuid.uuid4())}, headers=headers)
        timings.append(clock.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
        body = response.content
    snapshot = json.loads(body)
    starts = sum(len(item["starts"]) for item in snapshot["availability"])
    print(
        f"pull snapshot: best {min(timings) * 1000:.0f} ms (runs: "
        f"{', '.join(f'{t * 1000:.0f}' for t in timings)} ms); {len(body) / 1e6:.2f} MB raw, "
        f"{len(gzip.compress(body, 6)) / 1e6:.3f} MB gzipped; {len(snapshot['appointments'])} "
        f"appointments, {len(snapshot['patients'])} patients, {starts} free starts "
        f"(targets < 1 s, < 1 MB gzipped)",
        flush=True,
    )
    mutations = backlog(snapshot, clinic, args.mutations)
    batch = {"device_id": str(uuid.uuid4()), "clinic_id": str(clinic["id"]), "mutations": mutations}
    started = clock.perf_counter()
    response = await client.post("/v1/sync/push", json=batch, headers=headers)
    took = clock.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    statuses: dict[str, int] = {}
    for outcome in response.json()["outcomes"]:
        statuses[outcome["status"]] = statuses.get(outcome["status"], 0) + 1
    print(
        f"push of {len(mutations)} mutations straight to booking: {took:.2f} s "
        f"({took / len(mutations) * 1000:.1f} ms each) {statuses} (target < 10 s)",
        flush=True,
    )


async def run(args: argparse.Namespace) -> int:
    from booking.settings import Settings
    from servicekit.auth import Membership
    from servicekit.testing.databases import ServiceDatabases
    from servicekit.testing.issuer import TokenIssuer
    from servicekit.testing.processes import jwks_server, service_process

    async with contextlib.AsyncExitStack() as stack:
        admin_url, db_kind = await postgres(stack)
        kafka, _, kafka_kind = await start_broker(stack)
        databases = ServiceDatabases(admin_url, f"bench_sync_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        settings = Settings(
            database_url=await databases("booking"),
            kafka_bootstrap_servers=kafka,
            kafka_topic_prefix=f"bench{uuid.uuid4().hex[:8]}.",
        )
        print(f"PostgreSQL: {db_kind}; broker: {kafka_kind}", flush=True)
        started = clock.perf_counter()
        clinic = await seed(settings.database_url.get_secret_value(), args)
        print(
            f"seeded in {clock.perf_counter() - started:.1f} s: {args.providers} providers, "
            f"{clinic['visits']} appointments over 21 days, {args.patients} patients",
            flush=True,
        )
        issuer = TokenIssuer()
        headers = issuer.headers(uuid.uuid4(), Membership("receptionist", clinic["id"]))
        with contextlib.ExitStack() as processes:
            jwks = processes.enter_context(jwks_server(issuer.jwks()))
            url = processes.enter_context(
                service_process("booking", settings, issuer, jwks, deadline_seconds=300)
            )
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                await measure(client, clinic, headers, args)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--booked", type=float, default=0.5)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--mutations", type=int, default=500)
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
