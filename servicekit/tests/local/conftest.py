"""Run `clinic-stack` with stand-in services in a subprocess and watch what it does."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from servicekit.local.processes import port_is_free
from servicekit.provision import drop_database

STANDIN_STACK = Path(__file__).with_name("standin_stack.py")
STANDINS = ("alpha", "bravo", "charlie", "delta", "echo")


async def eventually(check: Callable[[], Any], *, what: str, timeout: float = 60.0) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(0.1)


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(200):
        base = random.randrange(20_000, 60_000)
        if all(port_is_free("127.0.0.1", base + offset) for offset in range(count)):
            return base
    raise RuntimeError("no block of free ports found")


def alive(pids: Sequence[int]) -> list[int]:
    """The pids among `pids` still running (zombies count as gone)."""
    running = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.append(pid)
        except psutil.NoSuchProcess:
            pass
    return running


@dataclass
class StackRun:
    process: subprocess.Popen[bytes]
    state_dir: Path
    output_file: Path
    gateway_port: int
    kafka_port: int
    postgres_port: int

    def output(self) -> str:
        return self.output_file.read_text(errors="replace")

    def stack(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.state_dir / "stack.json").read_text())
        return loaded

    def pids(self) -> list[int]:
        """Every process below the supervisor right now."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [child.pid for child in children]

    async def ready(self, timeout: float = 120.0) -> dict[str, Any]:
        await eventually(
            lambda: "ready:" in self.output() or self.process.poll() is not None,
            what="the stack to be ready",
            timeout=timeout,
        )
        assert self.process.poll() is None, self.output()
        return self.stack()

    async def exit_code(self, timeout: float = 90.0) -> int:
        await eventually(
            lambda: self.process.poll() is not None, what="the supervisor to exit", timeout=timeout
        )
        code = self.process.poll()
        assert code is not None
        return code

    async def stop(self, sig: int = signal.SIGINT) -> int:
        """Signal the supervisor, wait for it, check nothing it started survives."""
        children = self.pids()
        assert children, "the supervisor has no children to stop"
        os.kill(self.process.pid, sig)
        code = await self.exit_code()
        await eventually(lambda: not alive(children), what=f"children {children} to exit")
        return code


StartStack = Callable[..., StackRun]


@pytest.fixture
def start_stack(tmp_path: Path) -> Iterator[StartStack]:
    """start_stack(env=..., args=...) runs clinic-stack with stand-ins; all killed at teardown."""
    runs: list[StackRun] = []

    def start(
        *,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        state_dir: Path | None = None,
        services: Sequence[str] = STANDINS,
        topics: Sequence[tuple[str, int]] = (),
        gateway_port: int | None = None,
    ) -> StackRun:
        state = state_dir or tmp_path / "state"
        # The gateway, the services, then the gateway's metrics port.
        base = gateway_port or free_port_block(len(services) + 2)
        kafka_port = free_port_block(1)
        postgres_port = free_port_block(1)
        run_env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_ENABLE_IDEMPOTENCE")
        }
        run_env["STANDIN_STACK"] = json.dumps({"services": services, "topics": topics})
        run_env.update(env or {})
        output = tmp_path / f"supervisor-{len(runs)}.out"
        argv = [
            sys.executable, str(STANDIN_STACK), "--state-dir", str(state),
            "--gateway-port", str(base), "--kafka-port", str(kafka_port),
            "--postgres-port", str(postgres_port), *args,
        ]  # fmt: skip
        with output.open("wb") as out:
            process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=run_env)
        run = StackRun(process, state, output, base, kafka_port, postgres_port)
        runs.append(run)
        return run

    yield start
    for run in runs:
        leftovers = run.pids()
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()
        for pid in alive(leftovers):
            os.kill(pid, signal.SIGKILL)


@dataclass
class ExternalServers:
    """The session's servers, handed to clinic-stack through DATABASE_URL and friends."""

    env: dict[str, str]
    args: list[str]
    admin_url: str
    database: str
    kafka: str


@pytest.fixture
async def external_servers(
    postgres_admin_url: str, kafka_bootstrap_servers: str, kafka_supports_idempotence: bool
) -> AsyncIterator[ExternalServers]:
    database = f"stack_{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": postgres_admin_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_ENABLE_IDEMPOTENCE": "true" if kafka_supports_idempotence else "false",
    }
    yield ExternalServers(
        env, ["--database", database], postgres_admin_url, database, kafka_bootstrap_servers
    )
    await drop_database(postgres_admin_url, database)
