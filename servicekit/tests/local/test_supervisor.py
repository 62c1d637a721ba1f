"""The supervisor in-process, with stand-in services: restart with backoff, readiness."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from servicekit.local.processes import free_port
from servicekit.local.supervisor import (
    Backoff,
    NotReadyError,
    ServiceProcess,
    Supervisor,
    wait_until_ready,
)

from .conftest import alive, eventually

STANDIN = str(Path(__file__).with_name("standin_service.py"))


def standin(name: str, tmp_path: Path, **env: str) -> ServiceProcess:
    port = free_port()
    return ServiceProcess(
        name,
        [sys.executable, STANDIN, name],
        env={
            **os.environ,
            f"{name.upper()}_HOST": "127.0.0.1",
            f"{name.upper()}_PORT": str(port),
            **env,
        },
        log_path=tmp_path / f"{name}.log",
    )


def test_backoff_doubles_up_to_its_cap_and_resets_after_a_stable_run() -> None:
    backoff = Backoff()

    delays = [backoff.delay_after(uptime=2.0) for _ in range(7)]

    assert delays == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay_after(uptime=60.0) == 1
    assert backoff.delay_after(uptime=0.5) == 2


async def test_a_dead_child_is_reported_restarted_and_finally_stopped(tmp_path: Path) -> None:
    reports: list[str] = []
    restarts: list[int | None] = []
    process = standin("alpha", tmp_path)
    supervisor = Supervisor(
        report=reports.append,
        on_restart=lambda: restarts.append(process.pid),
        backoff=lambda: Backoff(initial=0.05),
    )
    await supervisor.start(process, tier=2)
    supervisor.supervise()
    first_pid = process.pid
    assert first_pid is not None
    await eventually(lambda: "alpha listening" in process.log_path.read_text(), what="alpha")

    os.kill(first_pid, signal.SIGKILL)

    await eventually(lambda: restarts, what="alpha to be restarted")
    death = next(line for line in reports if line.startswith("!!! alpha"))
    assert f"(pid {first_pid}) died with signal SIGKILL" in death
    assert "| alpha listening on" in death
    assert restarts == [process.pid]
    assert process.pid != first_pid

    await supervisor.stop()
    assert process.poll() is not None
    assert not alive([first_pid, process.pid or 0])


async def test_readiness_wait_returns_once_every_readyz_answers(tmp_path: Path) -> None:
    supervisor = Supervisor(report=lambda _: None)
    services = [standin(name, tmp_path) for name in ("alpha", "bravo")]
    for service in services:
        await supervisor.start(service, tier=2)
    try:
        endpoints = {
            s.name: f"http://127.0.0.1:{s.env[s.name.upper() + '_PORT']}" for s in services
        }
        await wait_until_ready(endpoints, timeout=30, logs={}, report=lambda _: None)
    finally:
        await supervisor.stop()


async def test_readiness_wait_names_the_laggards_with_their_logs(tmp_path: Path) -> None:
    supervisor = Supervisor(report=lambda _: None)
    ready = standin("alpha", tmp_path)
    lagging = standin("bravo", tmp_path, STANDIN_NEVER_READY="bravo")
    for service in (ready, lagging):
        await supervisor.start(service, tier=2)
    endpoints = {
        s.name: f"http://127.0.0.1:{s.env[s.name.upper() + '_PORT']}" for s in (ready, lagging)
    }
    await eventually(lambda: "listening" in lagging.log_path.read_text(), what="bravo to listen")
    try:
        with pytest.raises(NotReadyError) as raised:
            await wait_until_ready(
                endpoints, timeout=1, logs={"bravo": lagging.log_path}, report=lambda _: None
            )
    finally:
        await supervisor.stop()
    assert "not ready after 1s: bravo" in str(raised.value)
    assert "bravo listening on" in str(raised.value)


def endpoint(service: ServiceProcess) -> str:
    return f"http://127.0.0.1:{service.env[service.name.upper() + '_PORT']}"


async def test_readiness_wait_keeps_waiting_for_a_slow_start_with_progress_lines(
    tmp_path: Path,
) -> None:
    supervisor = Supervisor(report=lambda _: None)
    slow = standin("bravo", tmp_path, STANDIN_SLOW_READY="bravo:3")
    await supervisor.start(slow, tier=2)
    reports: list[str] = []
    try:
        took = await wait_until_ready(
            {"bravo": endpoint(slow)},
            logs={"bravo": slow.log_path},
            report=reports.append,
            progress_every=0.5,
        )
    finally:
        await supervisor.stop()
    assert took["bravo"] >= 3
    progress = [line for line in reports if line.startswith("still starting after")]
    assert progress, reports
    assert "bravo (bravo listening on" in progress[-1]
    assert reports[-1].startswith(f"bravo ready at {endpoint(slow)} (")


async def test_readiness_wait_gives_up_on_a_process_that_exits_naming_it_with_its_log(
    tmp_path: Path,
) -> None:
    supervisor = Supervisor(report=lambda _: None, backoff=lambda: Backoff(initial=30))
    ready = standin("alpha", tmp_path)
    crashing = standin("bravo", tmp_path, STANDIN_EXIT="bravo")
    for service in (ready, crashing):
        await supervisor.start(service, tier=2)
    supervisor.supervise()
    try:
        with pytest.raises(NotReadyError) as raised:
            await wait_until_ready(
                {s.name: endpoint(s) for s in (ready, crashing)},
                exited=lambda: supervisor.exited,
                logs={"bravo": crashing.log_path},
                report=lambda _: None,
            )
    finally:
        await supervisor.stop()
    assert "exited while starting: bravo" in str(raised.value)
    assert "bravo cannot start: exiting on purpose" in str(raised.value)
