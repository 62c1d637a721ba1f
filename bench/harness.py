"""What the benchmarks share: the servers they run on and the services they start as processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import httpx
import psutil

READY_TIMEOUT_SECONDS = 90.0
WORKER_FLAG = "--load-worker"  # a bench file run as its load process (serve_load)
STACK_START_TIMEOUT_SECONDS = 600.0


@contextlib.asynccontextmanager
async def clinic_stack(existing: Path | None, prefix: str, *args: str) -> AsyncIterator[Path]:
    """The state folder of a running `clinic-stack`: the one given, or one started here as a
    user starts it (a fresh temporary state folder, free ports, `args` added) and stopped after.
    """
    from servicekit.local.processes import spawn, terminate

    if existing is not None:
        yield existing
        return
    root = Path(tempfile.mkdtemp(prefix=prefix))
    state, output = root / "state", root / "clinic-stack.out"
    # Below the ephemeral range, as the e2e tests do: the gateway, five services, the
    # gateway's metrics, then PostgreSQL and the broker.
    base = random.randrange(20_000, 31_000)
    command = [
        shutil.which("clinic-stack") or "clinic-stack",
        *("--state-dir", str(state), "--gateway-port", str(base)),
        *("--postgres-port", str(base + 7), "--kafka-port", str(base + 8), *args),
    ]
    process = spawn(command, log_path=output)
    try:
        deadline = time.monotonic() + STACK_START_TIMEOUT_SECONDS
        while "Ctrl-C stops everything" not in output.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(output.read_text(errors="replace").splitlines()[-40:])
                raise SystemExit(f"clinic-stack did not start:\n{tail}")
            await asyncio.sleep(0.5)
        yield state
    finally:
        await terminate(process, sig=signal.SIGINT, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


async def postgres(stack: contextlib.AsyncExitStack) -> tuple[str, str]:
    from servicekit.db import asyncpg_dsn
    from servicekit.testing.servers import start_postgres

    if url := os.environ.get("BENCH_DATABASE_URL"):
        return asyncpg_dsn(url), "env BENCH_DATABASE_URL"
    server = await start_postgres()
    stack.push_async_callback(server.close)
    return server.admin_url, server.kind


async def kafka(stack: contextlib.AsyncExitStack) -> tuple[str, bool, str]:
    from servicekit.testing.servers import start_kafka

    if servers := os.environ.get("BENCH_KAFKA_BOOTSTRAP_SERVERS"):
        return servers, False, "env BENCH_KAFKA_BOOTSTRAP_SERVERS"
    server = await start_kafka()
    stack.push_async_callback(server.close)
    return server.bootstrap_servers, server.supports_idempotence, server.kind


async def start(
    stack: contextlib.AsyncExitStack, name: str, env: dict[str, str], logs: Path
) -> subprocess.Popen[bytes]:
    from servicekit.local.processes import spawn, terminate

    # Its own session (Ctrl-C reaches only us; we stop it) and death signal if we are killed.
    process = spawn([sys.executable, "-m", name], log_path=logs / f"{name}.log", env=env)
    stack.push_async_callback(terminate, process)
    return process


async def wait_ready(name: str, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    from servicekit.local.processes import describe_exit, log_tail

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    last = "no answer yet"
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if (code := process.poll()) is not None:
                raise SystemExit(
                    f"{name} exited with {describe_exit(code)}; its log:\n{log_tail(log, 40)}"
                )
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"{url}/readyz")
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text[:300]}"
            await asyncio.sleep(0.2)
    raise SystemExit(f"{name} not ready after {READY_TIMEOUT_SECONDS:.0f} s ({last}); log: {log}")


def percentile_ms(latencies_us: Sequence[int], q: float) -> float:
    """The q-quantile (0..1) of latencies in microseconds, in milliseconds."""
    if len(latencies_us) < 2:
        return float("nan")
    cuts = statistics.quantiles(latencies_us, n=1000, method="inclusive")
    return cuts[round(q * 1000) - 1] / 1000


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time a process has used so far (0 once it is gone)."""
    try:
        times = process.cpu_times()
        return float(times.user + times.system)
    except psutil.Error:
        return 0.0


# Processes outside the watched ones, metered together by the start of their executable's name
# (the embedded broker's carries its version): the rest is then split into the database, the
# broker, and whatever else ran on the machine.
GROUPS = {"postgres": "postgres", "tansu": "broker"}


def _group_of(name: str) -> str | None:
    return next((group for prefix, group in GROUPS.items() if name.startswith(prefix)), None)


def group_cpu_seconds() -> dict[tuple[str, int], float]:
    """CPU seconds so far of every process in a group, by (group, pid); with the time of its
    children that ended (PostgreSQL's postmaster collects its closed connections' backends)."""
    seen: dict[tuple[str, int], float] = {}
    for process in psutil.process_iter(["name"]):
        group = _group_of(process.info["name"] or "")
        if group is not None:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                seen[group, process.pid] = (
                    times.user + times.system + times.children_user + times.children_system
                )
    return seen


def grouped(
    before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]
) -> dict[str, float]:
    """CPU seconds each group used between two readings (a process started meanwhile counts
    from its start; one that ended meanwhile is lost)."""
    used: dict[str, float] = dict.fromkeys(GROUPS.values(), 0.0)
    for key, seconds in after.items():
        used[key[0]] += max(0.0, seconds - before.get(key, 0.0))
    return {group: seconds for group, seconds in used.items() if seconds}


def machine_busy_seconds() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    total = sum(times)
    return total - idle, total


def serve_load(
    load: Callable[[dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]],
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Entry of a load process: config as JSON in BENCH_LOAD, result as JSON on stdout, with
    the CPU and wall seconds the load took (`cpu_seconds`, `wall_seconds`).

    `prepare` runs on the config before the clock starts (e.g. reading a requests file).
    """
    config = json.loads(os.environ["BENCH_LOAD"])
    if prepare is not None:
        prepare(config)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    try:
        import uvloop

        result = uvloop.run(load(config))
    except ImportError:
        result = asyncio.run(load(config))
    result["cpu_seconds"] = time.process_time() - cpu_before
    result["wall_seconds"] = time.perf_counter() - wall_before
    json.dump(result, sys.stdout)


async def run_load_process(
    script: str, config: dict[str, Any], watch: dict[str, int], slack: float = 60.0
) -> tuple[dict[str, Any], dict[str, float]]:
    """`script` as a load process (`WORKER_FLAG`, serve_load) given `config`, which has its
    `seconds` and `warmup`: its result, and the CPU used meanwhile as shares of one core, by
    process (`watch` names the server processes to meter; "load", "postgres" and "broker" by
    executable name, "rest") and the machine's
    busy share ("machine").
    """
    from servicekit.local.processes import die_with_parent

    watched = {name: psutil.Process(pid) for name, pid in watch.items()}
    before = {name: cpu_seconds(process) for name, process in watched.items()}
    groups_before = group_cpu_seconds()
    busy_before, total_before = machine_busy_seconds()
    wall_before = time.perf_counter()
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        script,
        WORKER_FLAG,
        env={**os.environ, "BENCH_LOAD": json.dumps(config)},
        stdout=asyncio.subprocess.PIPE,
        start_new_session=True,  # our Ctrl-C handling stops it, not the terminal's
        preexec_fn=die_with_parent(signal.SIGTERM),
    )
    try:
        timeout = config["seconds"] + config["warmup"] + slack
        output, _ = await asyncio.wait_for(worker.communicate(), timeout)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    if worker.returncode != 0:
        raise RuntimeError(f"the load process exited with {worker.returncode}")
    wall = time.perf_counter() - wall_before
    result: dict[str, Any] = json.loads(output)
    busy_after, total_after = machine_busy_seconds()
    cpu = {name: (cpu_seconds(p) - before[name]) / wall for name, p in watched.items()}
    cpu["load"] = result["cpu_seconds"] / result["wall_seconds"]
    for group, seconds in grouped(groups_before, group_cpu_seconds()).items():
        cpu[group] = seconds / wall
    machine = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
    # Whatever else ran: other work on a shared machine, and the processes' short-lived
    # children.
    cpu["rest"] = max(0.0, machine * (psutil.cpu_count() or 1) - sum(cpu.values()))
    cpu["machine"] = machine
    return result, cpu
