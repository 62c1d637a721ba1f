"""Keeps the stack's processes alive: reports a death loudly, restarts with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

from servicekit.local.processes import ChildProcess, describe_exit, log_tail, spawn, terminate

Report = Callable[[str], None]


def print_status(message: str) -> None:
    """The supervisor's one-line status on its own stdout."""
    print(f"[clinic-stack] {message}", flush=True)


class Supervised(Protocol):
    """A child the supervisor can start, watch and stop (a service, Tansu, PostgreSQL)."""

    @property
    def name(self) -> str: ...
    @property
    def log_path(self) -> Path: ...
    @property
    def pid(self) -> int | None: ...
    def poll(self) -> int | None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class ServiceProcess(ChildProcess):
    """A service or the gateway: a command with its environment and a log file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        stop_timeout: float = 10.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        if not self.running():
            self._process = spawn(self.argv, log_path=self.log_path, env=self.env)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_timeout` seconds."""
        if self._process is not None:
            await terminate(self._process, timeout=self.stop_timeout)


@dataclass
class Backoff:
    """1 s doubling up to 30 s; a process that stayed up 60 s starts again from 1 s."""

    initial: float = 1.0
    cap: float = 30.0
    stable_after: float = 60.0
    _next: float = field(default=0.0, init=False)

    def delay_after(self, uptime: float) -> float:
        if self._next == 0.0 or uptime >= self.stable_after:
            self._next = self.initial
        delay = self._next
        self._next = min(self._next * 2, self.cap)
        return delay


@dataclass
class _Watched:
    component: Supervised
    tier: int
    after_restart: Callable[[], Awaitable[None]] | None
    backoff: Backoff
    started_at: float = 0.0


class Supervisor:
    """Starts components in order, restarts the ones that die, stops them tier by tier."""

    def __init__(
        self,
        *,
        report: Report = print_status,
        on_restart: Callable[[], None] | None = None,
        backoff: Callable[[], Backoff] = Backoff,
    ) -> None:
        self._report = report
        self._on_restart = on_restart
        self._backoff = backoff
        self._watched: list[_Watched] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.exited: list[str] = []  # names, once per death, in order

    @property
    def components(self) -> list[Supervised]:
        return [entry.component for entry in self._watched]

    async def start(
        self,
        component: Supervised,
        *,
        tier: int,
        after_restart: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Start `component` and keep it under supervision; higher tiers stop first."""
        entry = _Watched(component, tier, after_restart, self._backoff())
        self._watched.append(entry)  # before starting, so that stop() covers a half start
        await component.start()
        entry.started_at = time.monotonic()
        self._report(f"{component.name} started (pid {component.pid})")
        if self._tasks:
            self._tasks.append(asyncio.create_task(self._watch(entry)))

    def supervise(self) -> None:
        """From now on, restart every component that dies."""
        self._tasks = [asyncio.create_task(self._watch(entry)) for entry in self._watched]

    async def stop(self) -> None:
        """Stop watching, then stop the highest tier first (concurrently within a tier)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for tier in sorted({entry.tier for entry in self._watched}, reverse=True):
            members = [entry.component for entry in self._watched if entry.tier == tier]
            await asyncio.gather(*(self._stop_one(component) for component in members))

    async def _stop_one(self, component: Supervised) -> None:
        if component.pid is None or component.poll() is not None:
            return
        await component.stop()
        self._report(f"{component.name} stopped ({describe_exit(component.poll() or 0)})")

    async def _watch(self, entry: _Watched) -> None:
        while True:
            while (code := entry.component.poll()) is None:
                await asyncio.sleep(0.2)
            uptime = time.monotonic() - entry.started_at
            self.exited.append(entry.component.name)
            self._report_death(entry.component, code, uptime)
            await self._restart(entry, entry.backoff.delay_after(uptime))

    async def _restart(self, entry: _Watched, delay: float) -> None:
        name = entry.component.name
        while True:
            self._report(f"restarting {name} in {delay:g}s")
            await asyncio.sleep(delay)
            try:
                await entry.component.start()
                entry.started_at = time.monotonic()
                if entry.after_restart is not None:
                    await entry.after_restart()
            except Exception as error:
                self._report(f"!!! {name} failed to restart: {error}")
                delay = entry.backoff.delay_after(0.0)
                continue
            self._report(f"{name} restarted (pid {entry.component.pid})")
            if self._on_restart is not None:
                self._on_restart()
            return

    def _report_death(self, component: Supervised, code: int, uptime: float) -> None:
        tail = log_tail(component.log_path, 20)
        lines = "\n".join(f"    | {line}" for line in tail.splitlines()) or "    | (empty)"
        self._report(
            f"!!! {component.name} (pid {component.pid}) died with {describe_exit(code)} "
            f"after {uptime:.1f}s; last 20 lines of {component.log_path}:\n{lines}"
        )


class NotReadyError(RuntimeError):
    """A process exited before it answered /readyz, or (with a timeout) did not in time."""


async def wait_until_ready(
    endpoints: Mapping[str, str],
    *,
    logs: Mapping[str, Path],
    timeout: float | None = None,
    exited: Callable[[], Collection[str]] = tuple,
    report: Report = print_status,
    progress_every: float = 10.0,
) -> dict[str, float]:
    """Poll each `<url>/readyz` until all answer 200; seconds each took, by name.

    A busy machine only makes this slower: it keeps waiting, with a progress line every
    `progress_every` seconds, and gives up when a process it waits for has exited (`exited`
    names those) or, if given, after `timeout` seconds.
    """
    pending = dict(endpoints)
    started = time.monotonic()
    next_progress = started + progress_every
    took: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        while pending:
            for name, url in list(pending.items()):
                if await _is_ready(client, url):
                    del pending[name]
                    took[name] = time.monotonic() - started
                    report(f"{name} ready at {url} ({took[name]:.1f}s)")
            if not pending:
                break
            elapsed = time.monotonic() - started
            if dead := [name for name in pending if name in exited()]:
                raise NotReadyError(_not_ready_message(dead, "exited while starting", logs))
            if timeout is not None and elapsed >= timeout:
                raise NotReadyError(
                    _not_ready_message(list(pending), f"not ready after {timeout:.0f}s", logs)
                )
            if time.monotonic() >= next_progress:
                next_progress += progress_every
                report(f"still starting after {elapsed:.0f}s: {_progress(pending, logs)}")
            await asyncio.sleep(0.25)
    return took


async def _is_ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        response = await client.get(f"{url}/readyz")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _progress(pending: Mapping[str, str], logs: Mapping[str, Path]) -> str:
    """Each laggard with the last line of its log, so a stuck start shows where it is."""
    parts = []
    for name in pending:
        last = log_tail(logs[name], 1).strip() if name in logs else ""
        with contextlib.suppress(ValueError, AttributeError):  # JSON logs: just the message
            last = str(json.loads(last).get("message", last))
        parts.append(f"{name} ({last[:160]})" if last else name)
    return ", ".join(parts)


def _not_ready_message(names: Sequence[str], why: str, logs: Mapping[str, Path]) -> str:
    parts = [f"{why}: {', '.join(names)}"]
    for name in names:
        tail = log_tail(logs[name], 20) if name in logs else ""
        parts.append(f"--- {name}, end of {logs.get(name)}:\n{tail}")
    return "\n".join(parts)
