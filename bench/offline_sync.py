"""Offline sync: a pull snapshot of a busy clinic, and a day's 500-mutation backlog pushed.

    uv run --frozen python bench/offline_sync.py [--providers 50] [--booked 0.5]
        [--patients 3000] [--mutations 500] [--batch 200]

Identity, booking and the gateway run as the local stack runs them (`python -m identity`,
`python -m booking`, `python -m gateway`, started as bench/booking_throughput.py starts them;
tokens signed with identity's key). The clinic is created in identity through the gateway
(`POST /v1/clinics`); in booking, in Africa/Nairobi, --providers providers work 08:00-17:00
every day of the pull's window (7 days back, 14 ahead), two types (20 and 30 minutes,
10-minute buffer on the second), --patients patients in the directory and --booked of every
provider's 20-minute slots booked (past ones fulfilled): staff and shifts through booking's
projection, the rest copied straight into booking's tables. Then, with a receptionist's token,
through the gateway:

1. `GET /v1/sync/clinics/{id}` (a snapshot) three times: the best time, the body's size raw
   and gzipped (level 6, as a reverse proxy would send it);
2. `POST /v1/sync/push`: the queue of a day at the desk offline (yesterday; see
   bench/offline_backlog.py): of 500, 60 `register_patient`, 110 walk-ins each booked,
   checked in and completed (40 of them new patients, the booking naming the registration in
   `depends_on`), 90 bookings ahead into starts the snapshot offered (20 for new patients), 10
   cancels and 10 reschedules of those; in `seq` order, in requests of --batch mutations (200
   by default, as web/src/offline/push.ts sends them; 500, the gateway's limit, in one). The
   gateway cuts each into runs for identity and booking. Printed: the wall time of the push
   (and of each request), the outcomes by status (all `applied` is expected), the CPU seconds
   identity, booking and the gateway used meanwhile (the rest of the machine: PostgreSQL, the
   broker, this bench), and the time to push the same batches again (a retry: stored outcomes).

Targets (2 cores): snapshot < 1 s and < 1 MB gzipped; push of 500 < 10 s.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server; Kafka likewise. The database is a fresh one, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import tempfile
import time as clock
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from booking_seed import clinic_events, provider_events
from harness import cpu_seconds, machine_busy_seconds
from offline_backlog import Seeded, backlog

TIME_ZONE = "Africa/Nairobi"
WEB_BATCH = 200  # web/src/offline/push.ts: BATCH
POOL_SIZE = 5  # booking's database connections: one device pushes, one request at a time


async def seed(database_url: str, clinic: uuid.UUID, args: argparse.Namespace) -> Seeded:
    """Staff and shifts through booking's projection; types, patients and visits by SQL."""
    from booking.projection.handlers import on_event
    from clinic_contracts.envelope import new_envelope
    from servicekit.consumer import deliver
    from servicekit.db import create_engine, session_factory
    from servicekit.localtime import local_day, zone
    from sqlalchemy import text

    tz, rng = zone(TIME_ZONE), random.Random(7)
    today = local_day(datetime.now(UTC), tz)
    days = [today + timedelta(days=n) for n in range(-7, 14)]
    staff = [uuid.uuid4() for _ in range(args.providers)]
    # Identity's own ClinicCreated reaches booking through the broker too; either may be first.
    events = clinic_events(clinic, "Remote", TIME_ZONE)
    for n, provider in enumerate(staff):
        events += provider_events(clinic, provider, f"Dr Provider {n}", days, (8, 17), TIME_ZONE)
    patients = [uuid.uuid4() for _ in range(args.patients)]
    short, long = uuid.uuid4(), uuid.uuid4()
    visits = _visits(clinic, short, staff, patients, days, tz, args.booked, rng)
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            for event in events:
                await deliver(on_event, session, new_envelope(event, producer="bench"))
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
    return Seeded(clinic, short, long, staff, patients, visits)


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

    now, found = datetime.now(UTC), list[dict[str, Any]]()
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


async def pull(client: httpx.AsyncClient, clinic: uuid.UUID, headers: dict[str, str]) -> Any:
    """Three snapshots: the best time and the body's size, printed; the last one returned."""
    timings, body = [], b""
    for _ in range(3):
        started = clock.perf_counter()
        response = await client.get(
            f"/v1/sync/clinics/{clinic}", params={"device_id": str(uuid.uuid4())}, headers=headers
        )
        timings.append(clock.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
        body = response.content
    snapshot = json.loads(body)
    starts = sum(len(item["starts"]) for item in snapshot["availability"])
    print(
        f"pull snapshot through the gateway: best {min(timings) * 1000:.0f} ms (runs: "
        f"{', '.join(f'{t * 1000:.0f}' for t in timings)} ms); {len(body) / 1e6:.2f} MB raw, "
        f"{len(gzip.compress(body, 6)) / 1e6:.3f} MB gzipped; {len(snapshot['appointments'])} "
        f"appointments, {len(snapshot['patients'])} patients, {starts} free starts "
        f"(targets < 1 s, < 1 MB gzipped)",
        flush=True,
    )
    return snapshot


async def push(
    client: httpx.AsyncClient,
    batches: list[dict[str, Any]],
    headers: dict[str, str],
) -> tuple[float, list[float], list[dict[str, Any]]]:
    """The batches one after another, as the device sends them: wall time, each's, outcomes."""
    outcomes: list[dict[str, Any]] = []
    each = []
    started = clock.perf_counter()
    for batch in batches:
        begun = clock.perf_counter()
        response = await client.post("/v1/sync/push", json=batch, headers=headers)
        each.append(clock.perf_counter() - begun)
        assert response.status_code == 200, response.text[:500]
        outcomes += response.json()["outcomes"]
    return clock.perf_counter() - started, each, outcomes


def tally(outcomes: list[dict[str, Any]], mutations: list[dict[str, Any]]) -> str:
    """Outcomes by status, and by kind for those that are not `applied`."""
    kinds = {m["id"]: m["kind"] for m in mutations}
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        status = outcome["status"]
        if status != "applied":
            status = f"{status} {kinds[outcome['id']]}"
        statuses[status] = statuses.get(status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))


async def measure(
    client: httpx.AsyncClient,
    seeded: Seeded,
    headers: dict[str, str],
    pids: dict[str, int],
    args: argparse.Namespace,
) -> None:
    from servicekit.localtime import zone

    snapshot = await pull(client, seeded.clinic_id, headers)
    mutations, mix = backlog(seeded, snapshot, args.mutations, zone(TIME_ZONE))
    device = str(uuid.uuid4())
    batches = [
        {"device_id": device, "clinic_id": str(seeded.clinic_id), "mutations": part}
        for part in (mutations[n : n + args.batch] for n in range(0, len(mutations), args.batch))
    ]
    how = "as the web app sends them" if args.batch == WEB_BATCH else "the gateway allows 500"
    print(
        f"backlog of yesterday at the desk: {len(mutations)} mutations: {mix}; "
        f"{len(batches)} request(s) of at most {args.batch} ({how})",
        flush=True,
    )
    processes = {name: psutil.Process(pid) for name, pid in pids.items()}
    cpu = {name: cpu_seconds(p) for name, p in processes.items()}
    busy = machine_busy_seconds()[0]
    took, each, outcomes = await push(client, batches, headers)
    used = {name: cpu_seconds(p) - cpu[name] for name, p in processes.items()}
    rest = machine_busy_seconds()[0] - busy - sum(used.values())
    print(
        f"push of {len(mutations)} mutations through the gateway to identity and booking: "
        f"{took:.2f} s ({took / len(mutations) * 1000:.1f} ms each; requests "
        f"{', '.join(f'{t:.2f}' for t in each)} s); {tally(outcomes, mutations)} "
        f"(target < 10 s)\n  CPU during it: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(used.items()))
        + f", the rest of the machine (PostgreSQL, broker, this bench) {rest:.2f} s",
        flush=True,
    )
    for outcome in [o for o in outcomes if o["status"] != "applied"][:5]:
        print(f"  e.g. {outcome}", flush=True)
    took, _, again = await push(client, batches, headers)
    same = "the same outcomes" if again == outcomes else "DIFFERENT outcomes"
    print(f"the same batches again (a device's retry): {took:.2f} s, {same}", flush=True)


async def create_clinic(gateway_url: str, token: str) -> uuid.UUID:
    """POST /v1/clinics to identity through the gateway, as an org admin would."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30, trust_env=False) as client:
        created = await client.post(
            "/v1/clinics",
            json={"name": "Remote", "time_zone": TIME_ZONE},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert created.status_code == 201, created.text[:500]
    return uuid.UUID(created.json()["id"])


async def run(args: argparse.Namespace) -> int:
    from booking_throughput import database, mint, services
    from identity.security.keys import KeyRing
    from servicekit.auth import Membership

    async with database() as db:
        with tempfile.TemporaryDirectory(prefix="bench-offline-") as folder:
            work = Path(folder)
            keys = KeyRing(work / "keys", create_if_missing=True)
            async with services(db, work, POOL_SIZE) as stack:
                print(f"PostgreSQL: {db.kind}; broker: {stack.kafka_kind}", flush=True)
                admin = mint(keys, uuid.uuid4(), Membership("org_admin", None))
                clinic = await create_clinic(stack.gateway_url, admin)
                started = clock.perf_counter()
                seeded = await seed(db.urls["booking"], clinic, args)
                print(
                    f"seeded in {clock.perf_counter() - started:.1f} s: {args.providers} "
                    f"providers, {len(seeded.visits)} appointments over 21 days, "
                    f"{args.patients} patients",
                    flush=True,
                )
                token = mint(keys, uuid.uuid4(), Membership("receptionist", clinic))
                headers = {"Authorization": f"Bearer {token}"}
                async with httpx.AsyncClient(
                    base_url=stack.gateway_url, timeout=180, trust_env=False
                ) as client:
                    await measure(client, seeded, headers, stack.pids, args)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--booked", type=float, default=0.5)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--mutations", type=int, default=500)
    parser.add_argument(
        "--batch", type=int, default=WEB_BATCH, help="mutations per request (at most 500)"
    )
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
