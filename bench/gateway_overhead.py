"""Gateway overhead: rps, p50 and p99 of an authenticated GET, through the gateway vs. direct.

    uv run --frozen python bench/gateway_overhead.py [--concurrency 16] [--seconds 10]
        [--warmup 2] [--rounds 2] [--latency-concurrency 1]

Loads `GET /v1/clinics/{id}` with one org-admin token, straight to identity and through the
gateway, at a fixed concurrency (closed loop: each connection sends its next request when the
previous answer is in), then prints both side by side with the ratio and the added latency.
Rounds alternate the order (direct then gateway, gateway then direct, ...) so that neither
target always runs on a warmer machine. A second phase repeats this at --latency-concurrency
(default 1, 0 skips it): the per-request cost of the extra hop without queueing, which is what
"adds at most 1 ms at p50" is about; at 16 connections p50 is mostly queueing (Little's law).
Targets: the gateway keeps at least 70% of the direct throughput, adds at most 1 ms at p50, and
spends at most 0.5 ms of CPU per request of its own (its CPU share over the request rate; each
run reports the CPU of every process, and per request for identity and the gateway).

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else a Docker container or the
embedded server (servicekit.testing.servers). Kafka likewise (BENCH_KAFKA_BOOTSTRAP_SERVERS,
TEST_KAFKA_BOOTSTRAP_SERVERS, Docker, embedded Tansu); topics get a fresh prefix and the
database is a fresh one, dropped at the end. Identity and the gateway run as
`python -m identity` and `python -m gateway`, as the local stack runs them (rate limits raised
out of the way). The load generator is a separate process (this file with --load-worker): a
minimal keep-alive HTTP/1.1 client on asyncio (bench/load_client.py; uvloop when installed),
far cheaper per request than a full client, because it shares the machine's cores with
identity, the gateway and PostgreSQL; each run reports how much CPU each of them used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

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
from load_client import load, request

GATEWAY_P50_BUDGET_MS = 1.0
GATEWAY_RPS_TARGET = 0.70
GATEWAY_CPU_BUDGET_MS = 0.5  # the gateway's own CPU per proxied request (issue 21)


# --------------------------------------------------------------------------- measurement


@dataclass
class Run:
    """What one load run measured, and the CPU each process spent during it."""

    target: str
    latencies_us: list[int]
    statuses: dict[str, int]
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # share of one core, by process

    @property
    def rps(self) -> float:
        return len(self.latencies_us) / self.seconds

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "200")

    def cpu_seconds(self, process: str) -> float:
        """CPU the process spent over the measured window (its share times the window)."""
        return self.cpu.get(process, 0.0) * self.seconds


def cpu_ms_per_request(runs: Sequence[Run], process: str) -> float:
    """The process's CPU per request answered, over these runs (its CPU share is metered over
    the warm-up as well, at about the same rate)."""
    requests = sum(len(run.latencies_us) for run in runs)
    return 1000 * sum(run.cpu_seconds(process) for run in runs) / requests if requests else 0.0


async def run_load(
    url: str, token: str, *, concurrency: int, seconds: float, warmup: float, watch: dict[str, int]
) -> Run:
    """One load run from a separate process; `watch` names the server processes to meter."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "User-Agent": "gateway-overhead-bench",
    }
    config = {
        "url": url,
        "requests": [request("GET", url, headers)],
        "connections": concurrency,
        "seconds": seconds,
        "warmup": warmup,
    }
    result, cpu = await run_load_process(__file__, config, watch)
    return Run("", result["latencies_us"], result["window"], seconds, cpu)


# --------------------------------------------------------------------------- the services


@dataclass
class Stack:
    identity_url: str
    gateway_url: str
    pids: dict[str, int]
    database_kind: str
    kafka_kind: str


@contextlib.asynccontextmanager
async def services() -> AsyncIterator[tuple[Stack, Any]]:
    """PostgreSQL, Kafka, identity (migrated) and the gateway; yields them and the key ring."""
    from identity.security.keys import KeyRing
    from servicekit.kafka_admin import ensure_topics
    from servicekit.local.processes import free_port
    from servicekit.local.stack import contract_topics
    from servicekit.testing.databases import ServiceDatabases

    async with contextlib.AsyncExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-gateway-")))
        admin_url, database_kind = await postgres(stack)
        kafka, idempotence, kafka_kind = await start_broker(stack)
        databases = ServiceDatabases(admin_url, f"bench_gateway_{uuid.uuid4().hex[:10]}")
        stack.push_async_callback(databases.drop)
        print(f"migrating identity in database {databases.database} ...", flush=True)
        identity_database_url = await databases("identity")  # python -m identity migrate
        prefix = f"bench{uuid.uuid4().hex[:8]}."
        await ensure_topics(kafka, contract_topics(prefix))
        keys = KeyRing(work / "keys", create_if_missing=True)

        identity_port, gateway_port = free_port(), free_port()
        identity_url = f"http://127.0.0.1:{identity_port}"
        gateway_url = f"http://127.0.0.1:{gateway_port}"
        withheld = {"DATABASE_URL", "TEST_DATABASE_URL", "BENCH_DATABASE_URL"}
        common = {key: value for key, value in os.environ.items() if key not in withheld}
        common |= {
            "ENVIRONMENT": "development",
            "PYTHONUNBUFFERED": "1",
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "KAFKA_ENABLE_IDEMPOTENCE": "true" if idempotence else "false",
            "KAFKA_TOPIC_PREFIX": prefix,
            "JWKS_URL": f"{identity_url}/.well-known/jwks.json",
        }
        common.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        identity_env = common | {
            "IDENTITY_HOST": "127.0.0.1",
            "IDENTITY_PORT": str(identity_port),
            "IDENTITY_DATABASE_URL": identity_database_url,
            "IDENTITY_KEYS_DIR": str(work / "keys"),
        }
        nowhere = f"http://127.0.0.1:{free_port()}"  # the other services are not needed
        gateway_env = common | {
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(gateway_port),
            "GATEWAY_METRICS_PORT": "0",  # any free port: nothing scrapes it here
            "GATEWAY_IDENTITY_URL": identity_url,
            **{f"GATEWAY_{name}_URL": nowhere for name in ("BOOKING", "SHIFTS", "NOTIFY")},
            "GATEWAY_REPORTING_URL": nowhere,
            # One client address and one user send everything: keep the limiter out of the way.
            "GATEWAY_RATE_LIMIT_PER_MINUTE": "1e12",
            "GATEWAY_RATE_LIMIT_BURST": "1000000000",
            "GATEWAY_RATE_LIMIT_USER_PER_MINUTE": "1e12",
            "GATEWAY_RATE_LIMIT_USER_BURST": "1000000000",
        }
        logs = work / "logs"
        identity = await start(stack, "identity", identity_env, logs)
        await wait_ready("identity", identity_url, identity, logs / "identity.log")
        gateway = await start(stack, "gateway", gateway_env, logs)
        await wait_ready("gateway", gateway_url, gateway, logs / "gateway.log")
        pids = {"identity": identity.pid, "gateway": gateway.pid}
        yield Stack(identity_url, gateway_url, pids, database_kind, kafka_kind), keys
        print("stopping the gateway, identity and the servers ...", flush=True)


def mint_token(keys: Any) -> str:
    """An org-admin access token signed with identity's current key, as identity signs them."""
    from identity.security.tokens import issue_access_token
    from servicekit.auth import ORG_ADMIN, Membership
    from servicekit.settings import CommonSettings

    settings = CommonSettings()
    return issue_access_token(
        keys.current,
        subject=uuid.uuid4(),
        memberships=[Membership(ORG_ADMIN)],
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=15),
    )


async def create_clinic(stack: Stack, token: str) -> str:
    """POST /v1/clinics (straight to identity); checks that both routes then read it alike."""
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=10.0, trust_env=False, headers=auth) as client:
        created = await client.post(
            f"{stack.identity_url}/v1/clinics",
            json={"name": "Bench Clinic", "time_zone": "Africa/Nairobi"},
        )
        if created.status_code != 201:
            raise SystemExit(f"creating the clinic failed: {created.status_code} {created.text}")
        clinic_id = str(created.json()["id"])
        path = f"/v1/clinics/{clinic_id}"
        direct = await client.get(f"{stack.identity_url}{path}")
        proxied = await client.get(f"{stack.gateway_url}{path}")
    if direct.status_code != 200 or proxied.status_code != 200:
        raise SystemExit(
            f"GET {path}: direct {direct.status_code}, gateway {proxied.status_code} "
            f"{proxied.text[:300]}"
        )
    if direct.json() != proxied.json():
        raise SystemExit(f"GET {path} differs through the gateway")
    return path


# --------------------------------------------------------------------------- reporting

TARGETS = ("direct", "gateway")
LABELS = {"direct": "direct to identity", "gateway": "through the gateway"}


def merge(runs: Sequence[Run]) -> Run:
    merged = Run(runs[0].target, [], {}, 0.0)
    for run in runs:
        merged.latencies_us.extend(run.latencies_us)
        merged.seconds += run.seconds
        for status, count in run.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + count
    return merged


def describe_run(number: int, run: Run) -> str:
    errors = f", {run.errors} errors {run.statuses}" if run.errors else ""
    machine = run.cpu.get("machine", 0.0)
    cpu = ", ".join(f"{name} {share:.0%}" for name, share in run.cpu.items() if name != "machine")
    per_request = ", ".join(
        f"{name} {cpu_ms_per_request([run], name):.2f} ms"
        for name in ("identity", "gateway")
        if run.cpu.get(name, 0.0) >= 0.01
    )
    return (
        f"  round {number} {run.target:<7} {run.rps:8.0f} rps  "
        f"p50 {percentile_ms(run.latencies_us, 0.5):6.2f} ms  "
        f"p99 {percentile_ms(run.latencies_us, 0.99):6.2f} ms  "
        f"({len(run.latencies_us)} ok{errors}; cpu, 100% = one core: {cpu}; "
        f"machine {machine:.0%} busy; cpu per request: {per_request})"
    )


def summary(concurrency: int, runs: dict[str, list[Run]]) -> tuple[list[str], float, float, float]:
    """The side-by-side table; and the throughput ratio, the added p50 (ms) and the gateway's
    CPU per request (ms)."""
    direct, gateway = merge(runs["direct"]), merge(runs["gateway"])
    rows = []
    for name, run in (("direct", direct), ("gateway", gateway)):
        rows.append(
            f"  {LABELS[name]:<22}{run.rps:>10.0f}{percentile_ms(run.latencies_us, 0.5):>10.2f}"
            f"{percentile_ms(run.latencies_us, 0.99):>10.2f}{run.errors:>8}"
        )
    ratio = gateway.rps / direct.rps if direct.rps else float("nan")
    added = [
        percentile_ms(gateway.latencies_us, q) - percentile_ms(direct.latencies_us, q)
        for q in (0.5, 0.99)
    ]
    lines = [
        f"  {f'{concurrency} connection(s)':<22}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}"
        f"{'errors':>8}",
        *rows,
        f"  {'gateway vs direct':<22}{ratio:>10.1%}{added[0]:>+10.2f}{added[1]:>+10.2f}",
    ]
    gateway_cpu = cpu_ms_per_request(runs["gateway"], "gateway")
    lines.append(
        f"  CPU per request: identity {cpu_ms_per_request(runs['direct'], 'identity'):.2f} ms "
        f"direct, {cpu_ms_per_request(runs['gateway'], 'identity'):.2f} ms behind the gateway; "
        f"gateway {gateway_cpu:.2f} ms"
    )
    return lines, ratio, added[0], gateway_cpu


async def measure(
    stack: Stack, path: str, keys: Any, concurrency: int, args: argparse.Namespace
) -> dict[str, list[Run]]:
    urls = {"direct": stack.identity_url + path, "gateway": stack.gateway_url + path}
    runs: dict[str, list[Run]] = {target: [] for target in TARGETS}
    print(f"\nconcurrency {concurrency}:", flush=True)
    for number in range(1, args.rounds + 1):
        order = TARGETS if number % 2 else TARGETS[::-1]
        for target in order:
            run = await run_load(
                urls[target],
                mint_token(keys),  # fresh each run: a token lives 15 minutes at most
                concurrency=concurrency,
                seconds=args.seconds,
                warmup=args.warmup,
                watch=stack.pids,
            )
            run.target = target
            runs[target].append(run)
            print(describe_run(number, run), flush=True)
    return runs


async def main(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    # SIGTERM gets the orderly cleanup of Ctrl-C: cancelling unwinds every `async with`.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    async with services() as (stack, keys):
        path = await create_clinic(stack, mint_token(keys))
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(
            f"\nGET {path} with one org-admin token; {args.rounds} round(s) of {args.seconds:g} s "
            f"per target after {args.warmup:g} s of warm-up, order alternating per round.\n"
            f"{cores} CPU cores shared by the load generator (its own process), the gateway, "
            f"identity and PostgreSQL ({stack.database_kind}); Kafka: {stack.kafka_kind}."
        )
        levels = [args.concurrency]
        if args.latency_concurrency and args.latency_concurrency != args.concurrency:
            levels.append(args.latency_concurrency)
        results = {level: await measure(stack, path, keys, level, args) for level in levels}

    print("\n=== gateway overhead ===")
    verdicts = []
    for level, runs in results.items():
        lines, ratio, added_p50, gateway_cpu = summary(level, runs)
        print("\n".join(lines))
        verdicts.append(
            f"gateway CPU per request at {level} connection(s): {gateway_cpu:.2f} ms "
            f"(target <= {GATEWAY_CPU_BUDGET_MS:g} ms): "
            f"{'met' if gateway_cpu <= GATEWAY_CPU_BUDGET_MS else 'NOT met'}"
        )
        if level == args.concurrency:
            verdicts.append(
                f"throughput kept at {level} connections: {ratio:.1%} "
                f"(target >= {GATEWAY_RPS_TARGET:.0%}): "
                f"{'met' if ratio >= GATEWAY_RPS_TARGET else 'NOT met'}"
            )
        verdicts.append(
            f"added p50 at {level} connection(s): {added_p50:+.2f} ms "
            f"(target <= {GATEWAY_P50_BUDGET_MS:g} ms): "
            f"{'met' if added_p50 <= GATEWAY_P50_BUDGET_MS else 'NOT met'}"
        )
    print("targets:\n" + "\n".join(f"  {line}" for line in verdicts))


if __name__ == "__main__":
    if sys.argv[1:2] == [WORKER_FLAG]:
        serve_load(load)
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16, help="connections (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured s per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured s before each run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per target, order alternating")
    parser.add_argument(
        "--latency-concurrency",
        type=int,
        default=1,
        help="connections of the second, unqueued phase (default 1; 0 skips it)",
    )
    arguments = parser.parse_args()
    try:
        asyncio.run(main(arguments))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; everything started here has been stopped", file=sys.stderr)
        sys.exit(130)
