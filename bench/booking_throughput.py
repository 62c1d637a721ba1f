"""Booking throughput: bookings per second through the gateway vs. the raw PostgreSQL insert.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        uv run --frozen python bench/booking_throughput.py [--clients 32] [--seconds 20]
        [--warmup 3] [--providers 200] [--max-rate 1000] [--replicas 1]

Side by side, from one run:

a) End to end: `POST /v1/appointments` through the gateway, --clients keep-alive connections
   in a closed loop (each sends its next booking when the previous answer is in). Every request
   is a different patient (its own token, as a patient books for themselves) booking a
   different provider at a different start: a clinic of --providers providers, each with one
   06:00-22:00 shift a day over as many days as the prepared bookings need, 15-minute visits on
   the 15-minute grid, requests taking the providers in turn. So nearly every answer should be
   201; anything else is counted and a few are shown. Bookings/s counts the 201s answered inside
   the measured window; p50/p99 are theirs.
b) Raw PostgreSQL: what the booking writes cost without any service, --clients asyncpg
   connections each looping over one transaction: INSERT one booking.appointments row (same
   columns, exclusion constraints and indexes), INSERT one booking.outbox row (a real
   AppointmentBooked envelope) and `pg_notify` as `Outbox.stage` does, COMMIT. The service
   additionally reads the clinic, type, providers, shifts, leave and lapsed holds, appends an
   appointment_history row, and verifies the token twice (gateway and booking).
c) The ratio a / b: the share of the database's own rate the whole stack delivers.

Targets: at least 500 bookings/s end to end with p99 below 100 ms.

The services run as the local stack runs them: `python -m identity` (its JWKS signs the tokens
here), `python -m booking` (its relay publishes every AppointmentBooked to the broker during
the run, its pool sized to --clients) and `python -m gateway` (rate limits raised out of the
way). The clinic reaches booking's projection as identity's and shifts' events would, through
`booking.projection.handlers.on_event`; the appointment type is created through the gateway.
The load generator runs in its own process (this file with --load-worker, standard library and
asyncpg only, uvloop when installed) since everything shares the machine's cores; each run
reports how much CPU each process used. The raw phase runs after the services are stopped, on
the same database (whose appointments table then holds the end-to-end bookings).

--replicas N runs N booking processes side by side (booking-1 .. booking-N, each on its own port
with its pool sized to its share of the clients, all on the same database and broker, so their
relays share the outbox lanes) and N gateways, gateway i proxying to booking i; load connection
k sends to gateway k mod N. The check is the same, over all the replicas: every 201 is one row
and one AppointmentBooked event, all of them published; each replica's answered bookings and
published events (from its /metrics) and CPU are reported beside it.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server (servicekit.testing.servers). Kafka likewise (BENCH_KAFKA_BOOTSTRAP_SERVERS,
TEST_KAFKA_BOOTSTRAP_SERVERS, Docker, embedded Tansu); topics get a fresh prefix and the
database is a fresh one, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from harness import (
    WORKER_FLAG,
    percentile_ms,
    postgres,
    run_load_process,
    serve_load,
    start,
    wait_ready,
)
from harness import kafka as start_broker
from load_client import Tally, connection, load, request

TARGET_RATE = 500.0  # bookings/s end to end
TARGET_P99_MS = 100.0
TIME_ZONE = "Africa/Nairobi"
SHIFT_HOURS = (6, 22)  # local, every day
VISIT_MINUTES = 15
SLOTS_PER_DAY = (SHIFT_HOURS[1] - SHIFT_HOURS[0]) * 60 // VISIT_MINUTES

# --------------------------------------------------------------------------- load worker
# Runs in its own process (this file with --load-worker); the HTTP phase is bench/load_client.py,
# the raw phase asyncpg, on uvloop when present, so it starts fast and stays light.

INSERT_APPOINTMENT = """
INSERT INTO booking.appointments (id, clinic_id, type_id, provider_id, patient_id, status,
    starts_at, ends_at, blocked_from, blocked_until, booked_by, booked_at, created_by)
VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7, $6, $7, 'patient', now(), $5)
"""
INSERT_OUTBOX = """
INSERT INTO booking.outbox (event_id, topic, message_key, lane, event_type, envelope, headers)
VALUES ($1, $2, $3, $4, $5, $6, '{}')
"""


def _raw_booking(n: int, config: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Arguments of the n-th raw booking's two INSERTs: provider n mod P, its next free slot."""
    providers = config["providers"]
    slot = n // len(providers)
    starts_at = datetime.fromtimestamp(config["first_start"], UTC) + timedelta(
        days=slot // config["slots_per_day"],
        minutes=(slot % config["slots_per_day"]) * config["visit_minutes"],
    )
    ends_at = starts_at + timedelta(minutes=config["visit_minutes"])
    appointment_id, patient_id = uuid.uuid4(), uuid.uuid4()
    provider_id = uuid.UUID(providers[n % len(providers)])
    clinic_id, type_id = uuid.UUID(config["clinic_id"]), uuid.UUID(config["type_id"])
    envelope = dict(config["envelope"])
    envelope |= {
        "event_id": str(uuid.uuid4()),
        "aggregate_id": str(appointment_id),
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": envelope["payload"]
        | {
            "appointment_id": str(appointment_id),
            "patient_id": str(patient_id),
            "provider_id": str(provider_id),
            "actor_id": str(patient_id),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    }
    key = str(appointment_id)
    lane = zlib.crc32(key.encode()) % config["lanes"]
    appointment = (appointment_id, clinic_id, type_id, provider_id, patient_id, starts_at, ends_at)
    outbox = (
        uuid.UUID(envelope["event_id"]),
        config["topic"],
        key,
        lane,
        envelope["event_type"],
        json.dumps(envelope),
    )
    return appointment, outbox


async def _sql_client(
    connection: Any, numbers: Iterator[int], config: dict[str, Any], tally: Tally
) -> None:
    """One connection committing one booking transaction after another until the window ends."""
    import asyncpg

    while time.perf_counter() < tally.stop_at:
        appointment, outbox = _raw_booking(next(numbers), config)
        started = time.perf_counter()
        try:
            async with connection.transaction():
                await connection.execute(INSERT_APPOINTMENT, *appointment)
                await connection.execute(INSERT_OUTBOX, *outbox)
                await connection.execute("SELECT pg_notify($1, '')", config["channel"])
        except asyncpg.PostgresError as e:
            tally.record(type(e).__name__, False, started, time.perf_counter(), str(e))
            continue
        tally.record("committed", True, started, time.perf_counter(), "")


async def _sql_load(config: dict[str, Any]) -> dict[str, Any]:
    import asyncpg

    connections = await asyncio.gather(
        *(asyncpg.connect(config["dsn"]) for _ in range(config["connections"]))
    )
    try:
        numbers = iter(range(10**9))
        tally = Tally.after(config["warmup"], config["seconds"])
        await asyncio.gather(*(_sql_client(c, numbers, config, tally) for c in connections))
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    return tally.as_json()


async def _spread_load(config: dict[str, Any]) -> dict[str, Any]:
    """The HTTP phase against several gateways (`urls`, with --replicas): bench/load_client.py's
    connections drawing on one shared source of requests, connection k sending to gateway
    k mod N. The requests name gateway 1 as their Host; each connection rewrites it to its own."""
    urls = [urlsplit(url) for url in config["urls"]]
    encoded = [text.encode("latin-1") for text in config["requests"]]
    source = iter(encoded)  # each booking sent once, by whichever connection draws it
    tally = Tally.after(config["warmup"], config["seconds"])
    first = f"\r\nHost: {urls[0].netloc}\r\n".encode("latin-1")

    def requests(k: int) -> Iterator[bytes]:
        if k % len(urls) == 0:
            return source
        own = f"\r\nHost: {urls[k % len(urls)].netloc}\r\n".encode("latin-1")
        return (data.replace(first, own, 1) for data in source)

    await asyncio.gather(
        *(
            connection(
                urls[k % len(urls)].hostname or "127.0.0.1",
                urls[k % len(urls)].port or 80,
                requests(k),
                tally,
                config["ok"],
            )
            for k in range(config["connections"])
        )
    )
    return tally.as_json()


async def _load(config: dict[str, Any]) -> dict[str, Any]:
    """The raw PostgreSQL phase, or the HTTP one (bench/load_client.py; one gateway or several)."""
    if config["mode"] == "sql":
        return await _sql_load(config)
    return await (_spread_load(config) if "urls" in config else load(config))


def _read_requests(config: dict[str, Any]) -> None:
    if "requests_file" in config:  # read before the clock starts
        config["requests"] = json.loads(Path(config["requests_file"]).read_text())


# --------------------------------------------------------------------------- measurement


@dataclass
class Run:
    """What one load run measured, and the CPU each process spent during it."""

    label: str
    ok: str  # the outcome that counts as a booking: "201" or "committed"
    latencies_us: list[int]
    window: dict[str, int]
    succeeded: int
    refusals: list[str]
    exhausted: bool
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # share of one core, by process

    @property
    def rate(self) -> float:
        return len(self.latencies_us) / self.seconds

    @property
    def failures(self) -> dict[str, int]:
        return {outcome: n for outcome, n in self.window.items() if outcome != self.ok}


async def run_worker(label: str, ok: str, config: dict[str, Any], watch: dict[str, int]) -> Run:
    """One load run in a separate process; `watch` names the server processes to meter."""
    result, cpu = await run_load_process(__file__, config, watch, slack=90.0)
    return Run(
        label,
        ok,
        result["latencies_us"],
        result["window"],
        result["succeeded"],
        result["refusals"],
        result["exhausted"],
        config["seconds"],
        cpu,
    )


# --------------------------------------------------------------------------- servers and services


@dataclass
class Stack:
    gateway_urls: list[str]  # gateway i proxies to booking replica i
    booking_urls: list[str]
    pids: dict[str, int]
    kafka_kind: str

    @property
    def gateway_url(self) -> str:
        return self.gateway_urls[0]


def replica_names(service: str, replicas: int) -> list[str]:
    """The processes' names: `service` alone for one replica, else `service`-1, `service`-2..."""
    return [service] if replicas == 1 else [f"{service}-{i}" for i in range(1, replicas + 1)]


def shares(clients: int, replicas: int) -> list[int]:
    """Connections per replica when connection k goes to replica k mod N."""
    return [len(range(i, clients, replicas)) for i in range(replicas)]


@dataclass
class Database:
    urls: dict[str, str]  # identity's and booking's (their own roles)
    name: str
    kind: str


@contextlib.asynccontextmanager
async def database() -> AsyncIterator[Database]:
    """A fresh database with identity and booking migrated; dropped afterwards."""
    from servicekit.testing.databases import ServiceDatabases

    async with contextlib.AsyncExitStack() as stack:
        admin_url, kind = await postgres(stack)
        databases = ServiceDatabases(admin_url, f"bench_booking_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        print(f"migrating identity and booking in database {databases.database} ...", flush=True)
        urls = {name: await databases(name) for name in ("identity", "booking")}
        yield Database(urls, databases.database, kind)


@contextlib.asynccontextmanager
async def services(
    db: Database, work: Path, clients: int, replicas: int = 1
) -> AsyncIterator[Stack]:
    """Kafka, then identity, `replicas` booking processes and as many gateways (gateway i
    proxying to booking i) as subprocesses; all stopped afterwards. The booking replicas share
    the database and the broker, so their relays share the outbox lanes."""
    from servicekit.kafka_admin import ensure_topics
    from servicekit.local.processes import free_port
    from servicekit.local.stack import contract_topics

    async with contextlib.AsyncExitStack() as stack:
        kafka, idempotence, kafka_kind = await start_broker(stack)
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        await ensure_topics(kafka, contract_topics(prefix))
        bookings, gateways = replica_names("booking", replicas), replica_names("gateway", replicas)
        ports = {name: free_port() for name in ("identity", *bookings, *gateways)}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        withheld = {"DATABASE_URL", "TEST_DATABASE_URL", "BENCH_DATABASE_URL"}
        common = {key: value for key, value in os.environ.items() if key not in withheld}
        common |= {
            "ENVIRONMENT": "development",
            "PYTHONUNBUFFERED": "1",
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "KAFKA_ENABLE_IDEMPOTENCE": "true" if idempotence else "false",
            "KAFKA_TOPIC_PREFIX": prefix,
            "JWKS_URL": f"{urls['identity']}/.well-known/jwks.json",
        }
        common.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        nowhere = f"http://127.0.0.1:{free_port()}"  # shifts, notify, reporting: not needed
        envs = {
            "identity": common
            | {
                "IDENTITY_HOST": "127.0.0.1",
                "IDENTITY_PORT": str(ports["identity"]),
                "IDENTITY_DATABASE_URL": db.urls["identity"],
                "IDENTITY_KEYS_DIR": str(work / "keys"),
            },
        }
        for booking, share in zip(bookings, shares(clients, replicas), strict=True):
            envs[booking] = common | {
                "BOOKING_HOST": "127.0.0.1",
                "BOOKING_PORT": str(ports[booking]),
                "BOOKING_DATABASE_URL": db.urls["booking"],
                # One connection per client: no overflow connections opened per request.
                "BOOKING_DATABASE_POOL_SIZE": str(max(share, 1)),
            }
        for gateway, booking in zip(gateways, bookings, strict=True):
            envs[gateway] = common | {
                "GATEWAY_HOST": "127.0.0.1",
                "GATEWAY_PORT": str(ports[gateway]),
                "GATEWAY_METRICS_PORT": "0",  # any free port: nothing scrapes it here
                "GATEWAY_IDENTITY_URL": urls["identity"],
                "GATEWAY_BOOKING_URL": urls[booking],
                **{f"GATEWAY_{name}_URL": nowhere for name in ("SHIFTS", "NOTIFY", "REPORTING")},
                # One client address sends everything: keep the limiter out of the way.
                "GATEWAY_RATE_LIMIT_PER_MINUTE": "1e12",
                "GATEWAY_RATE_LIMIT_BURST": "1000000000",
                "GATEWAY_RATE_LIMIT_USER_PER_MINUTE": "1e12",
                "GATEWAY_RATE_LIMIT_USER_BURST": "1000000000",
            }
        logs = work / "logs"
        pids: dict[str, int] = {}
        for name in ("identity", *bookings, *gateways):
            module = name.partition("-")[0]  # booking-2 runs `python -m booking`
            folder = logs if name == module else logs / name  # logs/booking-2/booking.log
            process = await start(stack, module, envs[name], folder)
            await wait_ready(name, urls[name], process, folder / f"{module}.log")
            pids[name] = process.pid
        yield Stack(
            [urls[name] for name in gateways], [urls[name] for name in bookings], pids, kafka_kind
        )
        if replicas == 1:
            print("stopping the gateway, booking, identity and the broker ...", flush=True)
        else:
            print(
                f"stopping the {replicas} gateways, the {replicas} booking replicas, identity "
                "and the broker ...",
                flush=True,
            )


# --------------------------------------------------------------------------- the clinic


@dataclass
class Clinic:
    """The bench clinic: its providers, the first start (UTC) and how many days they work."""

    id: uuid.UUID
    providers: list[uuid.UUID]
    first_day: date
    days: int
    type_id: uuid.UUID | None = None

    def start(self, n: int) -> datetime:
        """The n-th booking's start: provider n mod P takes its next 15-minute slot."""
        from servicekit.localtime import instant, zone

        slot = n // len(self.providers)
        day = self.first_day + timedelta(days=slot // SLOTS_PER_DAY)
        clock = datetime.min.replace(hour=SHIFT_HOURS[0]) + timedelta(
            minutes=(slot % SLOTS_PER_DAY) * VISIT_MINUTES
        )
        return instant(day, clock.time(), zone(TIME_ZONE))

    def provider(self, n: int) -> uuid.UUID:
        return self.providers[n % len(self.providers)]


async def open_clinic(booking_url: str, providers: int, bookings: int) -> Clinic:
    """The clinic, its providers and their daily shifts, applied to booking's projection."""
    from booking.projection.handlers import on_event
    from clinic_contracts.envelope import new_envelope
    from clinic_contracts.identity import ClinicCreated, MembershipGranted, UserRegistered
    from clinic_contracts.shifts import ShiftScheduled
    from servicekit.consumer import deliver
    from servicekit.db import create_engine, session_factory
    from servicekit.localtime import instant, local_day, zone
    from sqlalchemy import text

    tz = zone(TIME_ZONE)
    clinic = Clinic(
        id=uuid.uuid4(),
        providers=[uuid.uuid4() for _ in range(providers)],
        first_day=local_day(datetime.now(UTC), tz) + timedelta(days=2),
        days=max(3, math.ceil(bookings / (providers * SLOTS_PER_DAY))),
    )
    events: list[Any] = [ClinicCreated(clinic_id=clinic.id, name="Bench", time_zone=TIME_ZONE)]
    for n, staff in enumerate(clinic.providers):
        events.append(UserRegistered(user_id=staff, kind="staff", full_name=f"Provider {n:03}"))
        events.append(MembershipGranted(user_id=staff, clinic_id=clinic.id, role="provider"))
    start, end = (datetime.min.replace(hour=h).time() for h in SHIFT_HOURS)
    for offset in range(clinic.days):
        day = clinic.first_day + timedelta(days=offset)
        events.extend(
            ShiftScheduled(
                shift_id=uuid.uuid4(),
                clinic_id=clinic.id,
                staff_id=staff,
                role="provider",
                starts_at=instant(day, start, tz),
                ends_at=instant(day, end, tz),
                local_date=day.isoformat(),
                time_zone=TIME_ZONE,
            )
            for staff in clinic.providers
        )
    engine = create_engine(booking_url)
    try:
        sessions = session_factory(engine)
        for offset in range(0, len(events), 500):
            async with sessions() as session, session.begin():
                for event in events[offset : offset + 500]:
                    await deliver(on_event, session, new_envelope(event, producer="bench"))
        async with engine.begin() as connection:
            # Statistics as a clinic in service has them (autovacuum would get there later).
            tables = ("clinics", "staff", "staff_roles", "shift_windows", "appointments")
            await connection.execute(text(f"ANALYZE {', '.join(f'booking.{t}' for t in tables)}"))
    finally:
        await engine.dispose()
    print(
        f"clinic: {providers} providers, {clinic.days} days of {SHIFT_HOURS[0]:02}:00-"
        f"{SHIFT_HOURS[1]:02}:00 shifts from {clinic.first_day} ({TIME_ZONE}), "
        f"{providers * clinic.days * SLOTS_PER_DAY} free {VISIT_MINUTES}-minute slots",
        flush=True,
    )
    return clinic


def mint(keys: Any, subject: uuid.UUID, membership: Any) -> str:
    """An access token signed with identity's current key, as identity signs them."""
    from identity.security.tokens import issue_access_token
    from servicekit.settings import CommonSettings

    settings = CommonSettings()
    return issue_access_token(
        keys.current,
        subject=subject,
        memberships=[membership],
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=15),
    )


def booking_body(clinic: Clinic, n: int) -> dict[str, str]:
    return {
        "clinic_id": str(clinic.id),
        "type_id": str(clinic.type_id),
        "starts_at": clinic.start(n).isoformat(),
        "provider_id": str(clinic.provider(n)),
    }


async def create_type_and_check(stack: Stack, clinic: Clinic, keys: Any) -> None:
    """POST the appointment type, then book booking 0 as a patient, both through the gateway."""
    from servicekit.auth import CLINIC_ADMIN, Membership

    admin = mint(keys, uuid.uuid4(), Membership(CLINIC_ADMIN, clinic.id))
    patient = mint(keys, uuid.uuid4(), Membership("patient", None))
    kind = {"clinic_id": str(clinic.id), "name": "Consultation", "step_minutes": VISIT_MINUTES}
    kind["duration_minutes"] = VISIT_MINUTES
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10, trust_env=False) as client:
        created = await client.post(
            "/v1/appointment-types", json=kind, headers={"Authorization": f"Bearer {admin}"}
        )
        if created.status_code != 201:
            raise SystemExit(f"creating the type failed: {created.status_code} {created.text}")
        clinic.type_id = uuid.UUID(created.json()["id"])
        booked = await client.post(
            "/v1/appointments",
            json=booking_body(clinic, 0),
            headers={"Authorization": f"Bearer {patient}"},
        )
    if booked.status_code != 201:
        raise SystemExit(
            f"the booking API refused a valid booking: {booked.status_code} {booked.text[:500]}"
        )


def prepare_bookings(clinic: Clinic, keys: Any, gateway_url: str, count: int, path: Path) -> None:
    """`count` raw HTTP requests (bookings 1..count), each with its own patient's token."""
    from servicekit.auth import Membership

    url = f"{gateway_url}/v1/appointments"
    requests = []
    for n in range(1, count + 1):
        body = json.dumps(booking_body(clinic, n), separators=(",", ":"))
        token = mint(keys, uuid.uuid4(), Membership("patient", None))
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "booking-throughput-bench",
        }
        requests.append(request("POST", url, headers, body))
    path.write_text(json.dumps(requests))


def envelope_template(clinic: Clinic) -> dict[str, Any]:
    """A real AppointmentBooked envelope as booking stages it; the raw phase varies its ids."""
    from clinic_contracts.booking import AppointmentBooked
    from clinic_contracts.envelope import new_envelope

    starts_at = clinic.start(0)
    patient = uuid.uuid4()
    event = AppointmentBooked(
        appointment_id=uuid.uuid4(),
        clinic_id=clinic.id,
        patient_id=patient,
        provider_id=clinic.providers[0],
        type_id=clinic.type_id or uuid.uuid4(),
        type_name="Consultation",
        room_id=None,
        status="booked",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=VISIT_MINUTES),
        time_zone=TIME_ZONE,
        actor_id=patient,
        booked_by="patient",
        walk_in=False,
        overbooked=False,
        waitlist_entry_id=None,
    )
    return new_envelope(event, producer="booking").model_dump(mode="json")


async def database_counts(booking_url: str, clinic_id: uuid.UUID) -> tuple[int, int, int]:
    """Appointments of the clinic, AppointmentBooked events staged, and those published."""
    import asyncpg
    from servicekit.db import asyncpg_dsn

    connection = await asyncpg.connect(asyncpg_dsn(booking_url))
    try:
        appointments = await connection.fetchval(
            "SELECT count(*) FROM booking.appointments WHERE clinic_id = $1", clinic_id
        )
        staged, published = await connection.fetchrow(
            "SELECT count(*), count(published_at) FROM booking.outbox"
            " WHERE event_type = 'AppointmentBooked'"
        )
    finally:
        await connection.close()
    return appointments, staged, published


# --------------------------------------------------------------------------- the two runs


async def replica_counts(booking_urls: list[str]) -> list[tuple[int, int]]:
    """Per booking replica, from its /metrics: the POST /v1/appointments it answered 2xx and
    the events its relay published (since it started: the checked booking included)."""
    counts = []
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        for url in booking_urls:
            answered = published = 0.0
            for line in (await client.get(f"{url}/metrics")).text.splitlines():
                name, _, value = line.rpartition(" ")
                if name.startswith("http_requests_total{") and all(
                    label in name
                    for label in ('handler="/v1/appointments"', 'method="POST"', 'status="2xx"')
                ):
                    answered += float(value)
                elif name.startswith("outbox_published_events_total{"):
                    published += float(value)
            counts.append((round(answered), round(published)))
    return counts


async def end_to_end(db: Database, args: argparse.Namespace) -> tuple[Run, Clinic]:
    from identity.security.keys import KeyRing

    replicas = args.replicas
    prepared = math.ceil(args.max_rate * (args.seconds + args.warmup))
    clinic = await open_clinic(db.urls["booking"], args.providers, prepared + 1)
    with tempfile.TemporaryDirectory(prefix="bench-booking-") as folder:
        work = Path(folder)
        keys = KeyRing(work / "keys", create_if_missing=True)
        async with services(db, work, args.clients, replicas) as stack:
            await create_type_and_check(stack, clinic, keys)
            started = time.perf_counter()
            prepare_bookings(clinic, keys, stack.gateway_url, prepared, work / "requests.json")
            spread = ""
            if replicas > 1:
                split = " + ".join(str(n) for n in shares(args.clients, replicas))
                spread = (
                    f" over {replicas} gateways ({split}), gateway i -> booking replica i "
                    "(its pool sized to its clients; one database, one broker)"
                )
            print(
                f"prepared {prepared} bookings, each its own patient's token "
                f"({time.perf_counter() - started:.1f} s); one booking checked through the "
                f"gateway; Kafka: {stack.kafka_kind}\n"
                f"end to end: {args.clients} clients{spread}, {args.warmup:g} s warm-up, "
                f"{args.seconds:g} s measured ...",
                flush=True,
            )
            config: dict[str, Any] = {
                "mode": "http",
                "url": stack.gateway_url,
                "requests_file": str(work / "requests.json"),
                "ok": 201,
                "once": True,  # each booking is sent once
                "connections": args.clients,
                "seconds": args.seconds,
                "warmup": args.warmup,
            }
            label = "a) gateway -> booking"
            if replicas > 1:
                config["urls"] = stack.gateway_urls  # connection k -> gateway k mod N
                label = f"a) {replicas} x gateway -> booking"
            wal_before = await wal_position(db.urls["booking"])
            run = await run_worker(label, "201", config, stack.pids)
            print(describe_run(run), flush=True)
            await asyncio.sleep(2)  # let the relays publish the last events
            wal = (await wal_position(db.urls["booking"]) - wal_before) / (run.succeeded + 1)
            print(
                f"  write volume: {wal / 1024:.1f} KiB of WAL per booking (the row, its history, "
                "its outbox event and its publication; the whole cluster's WAL over the run)",
                flush=True,
            )
            appointments, staged, published = await database_counts(db.urls["booking"], clinic.id)
            relays = "the relay" if replicas == 1 else f"the {replicas} relays"
            print(
                f"  check: {run.succeeded + 1} bookings answered 201 (warm-up included); "
                f"the database holds {appointments} appointments and {staged} AppointmentBooked "
                f"events, {published} of them published by {relays} 2 s after the run",
                flush=True,
            )
            if replicas > 1:
                counts = await replica_counts(stack.booking_urls)
                names = replica_names("booking", replicas)
                print(
                    "  per replica (its /metrics): "
                    + "; ".join(
                        f"{name} answered {answered} bookings 201, its relay published {events}"
                        f" events"
                        for name, (answered, events) in zip(names, counts, strict=True)
                    ),
                    flush=True,
                )
    return run, clinic


async def raw_postgres(db: Database, clinic: Clinic, args: argparse.Namespace) -> Run:
    from booking.db import outbox
    from clinic_contracts.booking import BOOKING_TOPIC
    from servicekit.db import asyncpg_dsn
    from servicekit.outbox import LANES

    print(
        f"raw PostgreSQL: {args.clients} asyncpg connections as booking's role, "
        f"{args.warmup:g} s warm-up, {args.seconds:g} s measured ...",
        flush=True,
    )
    config = {
        "mode": "sql",
        "dsn": asyncpg_dsn(db.urls["booking"]),
        "connections": args.clients,
        "seconds": args.seconds,
        "warmup": args.warmup,
        # Providers of their own: the slots never clash with the end-to-end bookings.
        "providers": [str(uuid.uuid4()) for _ in clinic.providers],
        "clinic_id": str(clinic.id),
        "type_id": str(clinic.type_id),
        "first_start": clinic.start(0).timestamp(),
        "slots_per_day": SLOTS_PER_DAY,
        "visit_minutes": VISIT_MINUTES,
        "envelope": envelope_template(clinic),
        "topic": BOOKING_TOPIC,
        "lanes": LANES,
        "channel": outbox.channel,
    }
    run = await run_worker("b) raw PostgreSQL", "committed", config, {})
    print(describe_run(run), flush=True)
    return run


# --------------------------------------------------------------------------- reporting


def describe_run(run: Run) -> str:
    machine = run.cpu.get("machine", 0.0)
    cpu = ", ".join(f"{name} {share:.0%}" for name, share in run.cpu.items() if name != "machine")
    return (
        f"  {run.label}: {run.rate:.0f}/s  p50 {percentile_ms(run.latencies_us, 0.5):.2f} ms  "
        f"p99 {percentile_ms(run.latencies_us, 0.99):.2f} ms  ({len(run.latencies_us)} ok, "
        f"other: {run.failures or 'none'}; cpu, 100% = one core: {cpu}; "
        f"machine {machine:.0%} busy)\n{cpu_per_booking(run)}"
    )


def cpu_per_booking(run: Run) -> str:
    """Each process's CPU per booking: its share of a core over the bookings per second.

    "postgres" and "broker" are every PostgreSQL and Tansu process on the machine; "rest" is
    every other process.
    """
    if not run.rate:
        return "  cpu per booking: no bookings"
    shares = {name: share for name, share in run.cpu.items() if name != "machine"}
    parts = ", ".join(f"{name} {share / run.rate * 1000:.2f}" for name, share in shares.items())
    cores = os.cpu_count() or 1  # "machine" is a share of all of them
    total = run.cpu.get("machine", sum(shares.values()) / cores) * cores / run.rate * 1000
    return f"  cpu per booking, ms: {parts}; all {total:.2f} (target <= 3)"


async def wal_position(url: str) -> int:
    """PostgreSQL's current WAL position in bytes (the whole cluster's writes)."""
    import asyncpg
    from servicekit.db import asyncpg_dsn

    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await connection.fetchval("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    finally:
        await connection.close()


def report(e2e: Run, raw: Run, args: argparse.Namespace) -> None:
    replicas = (
        ""
        if args.replicas == 1
        else f", {args.replicas} booking replicas (each behind its own gateway)"
    )
    print(
        f"\n=== booking throughput: {args.clients} clients, {args.seconds:g} s measured, "
        f"{args.providers} providers{replicas} ==="
    )
    print(f"  {'':<38}{'bookings/s':>11}{'p50 ms':>9}{'p99 ms':>9}  other answers")
    for run in (e2e, raw):
        print(
            f"  {run.label:<38}{run.rate:>11.0f}{percentile_ms(run.latencies_us, 0.5):>9.2f}"
            f"{percentile_ms(run.latencies_us, 0.99):>9.2f}  {sum(run.failures.values())}"
            f"{f' {run.failures}' if run.failures else ''}"
        )
        if run is e2e:
            rate, p99 = f">= {TARGET_RATE:.0f}", f"< {TARGET_P99_MS:.0f}"
            print(f"  {'   target':<38}{rate:>11}{'':>9}{p99:>9}")
    ratio = e2e.rate / raw.rate if raw.rate else float("nan")
    print(f"  {'c) a / b':<38}{ratio:>11.1%}")
    for run in (e2e, raw):
        for refusal in run.refusals:
            print(f"  {run.label} refused: {refusal}")
        if run.exhausted:
            print(
                f"  {run.label}: the prepared bookings ran out before the window ended; "
                "raise --max-rate"
            )
    p99 = percentile_ms(e2e.latencies_us, 0.99)
    print("targets (end to end):")
    print(
        f"  >= {TARGET_RATE:.0f} bookings/s: measured {e2e.rate:.0f}: "
        f"{'met' if e2e.rate >= TARGET_RATE else 'NOT met'}"
    )
    print(
        f"  p99 < {TARGET_P99_MS:.0f} ms: measured {p99:.1f} ms: "
        f"{'met' if p99 < TARGET_P99_MS else 'NOT met'}"
    )


async def main(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    # SIGTERM gets the orderly cleanup of Ctrl-C: cancelling unwinds every `async with`.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    async with database() as db:
        services = (
            "the gateway, booking"
            if args.replicas == 1
            else f"the {args.replicas} gateways, the {args.replicas} booking replicas"
        )
        print(
            f"{cores} CPU cores shared by the load generator (its own process), {services}, "
            f"identity, the broker and PostgreSQL ({db.kind})",
            flush=True,
        )
        e2e, clinic = await end_to_end(db, args)
        raw = await raw_postgres(db, clinic, args)
        print(f"dropping database {db.name} ...", flush=True)
    report(e2e, raw, args)


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER_FLAG]:
        serve_load(_load, _read_requests)
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="connections (default 32)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured s per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured s before each run")
    parser.add_argument("--providers", type=int, default=200, help="providers (default 200)")
    parser.add_argument(
        "--max-rate",
        type=float,
        default=1000.0,
        help="bookings prepared per second of the end-to-end run (tokens are minted "
        "beforehand; the report says if they ran out); default 1000",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="booking processes side by side, each behind its own gateway, the clients split "
        "between the gateways in turn (default 1)",
    )
    arguments = parser.parse_args()
    if not 1 <= arguments.replicas <= arguments.clients:
        parser.error("--replicas must be at least 1 and at most --clients")
    try:
        asyncio.run(main(arguments))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; everything started here has been stopped", file=sys.stderr)
        sys.exit(130)
