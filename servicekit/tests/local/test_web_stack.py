"""clinic-stack and the web app: built when stale while the servers start, served by the
gateway (GATEWAY_WEB_DIR), its URL printed first, a failed build stopping the stack loudly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from servicekit.local.cli import parse_args
from servicekit.local.stack import StackPlan, default_gateway, default_services
from servicekit.local.web import WEB_DIR_ENV, default_web_dir

from .conftest import ExternalServers, StackRun, alive, eventually, free_port_block
from .fake_web import builds, make_fake_web
from .standin_stack import standin

WEB_STANDIN_STACK = Path(__file__).with_name("standin_web_stack.py")
SERVICES = ("alpha", "bravo")
StartWebStack = Callable[..., StackRun]


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    return make_fake_web(tmp_path / "web")


@pytest.fixture
def start_web_stack(
    tmp_path: Path, web_root: Path, external_servers: ExternalServers
) -> Iterator[StartWebStack]:
    runs: list[StackRun] = []

    def start(build_seconds: float = 1) -> StackRun:
        base = free_port_block(len(SERVICES) + 2)
        env = {**os.environ, **external_servers.env, WEB_DIR_ENV: str(web_root)}
        env["STANDIN_STACK"] = json.dumps({"services": SERVICES, "topics": []})
        env["FAKE_BUILD_SECONDS"] = str(build_seconds)
        state = tmp_path / "state"
        output = tmp_path / f"supervisor-{len(runs)}.out"
        argv = [
            sys.executable, str(WEB_STANDIN_STACK), "--state-dir", str(state),
            "--gateway-port", str(base), *external_servers.args,
        ]  # fmt: skip
        with output.open("wb") as out:
            process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        runs.append(StackRun(process, state, output, base, 0, 0))
        return runs[-1]

    yield start
    for run in runs:
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def _summary(output: str) -> list[str]:
    return output.split("ready:\n", 1)[1].splitlines()


async def test_a_stale_web_app_is_built_served_and_its_url_printed_first(
    start_web_stack: StartWebStack, web_root: Path
) -> None:
    run = start_web_stack()
    stack = await run.ready()

    output = run.output()
    assert "[clinic-stack] building the web app: web/dist is missing" in output
    assert "[clinic-stack] built the web app in" in output
    assert _summary(output)[0] == f"  web app    http://127.0.0.1:{run.gateway_port}/"
    async with httpx.AsyncClient(timeout=5) as client:
        gateway_env = (await client.get(f"{stack['gateway']['url']}/env")).json()
    assert gateway_env["GATEWAY_WEB_DIR"] == str(web_root / "dist")
    phases = json.loads((run.state_dir / "startup.json").read_text())
    assert phases["web build"] >= 1.0  # the fake build's own second
    assert (web_root / "dist" / "index.html").is_file()
    assert await run.stop() == 0

    again = start_web_stack()
    await again.ready()

    assert "building the web app" not in again.output()  # fresh: nothing to do
    assert json.loads((again.state_dir / "startup.json").read_text())["web build"] < 1.0
    assert builds(web_root) == 1
    assert await again.stop() == 0


async def test_a_failed_web_build_stops_the_stack_with_npm_output(
    start_web_stack: StartWebStack, web_root: Path
) -> None:
    (web_root / "src" / "fail").touch()
    run = start_web_stack()
    children: list[int] = []

    async def exited() -> bool:
        children.extend(run.pids())
        return run.process.poll() is not None

    await eventually(exited, what="the stack to stop", timeout=120)

    assert run.process.returncode == 1
    output = run.output()
    assert "clinic-stack: building the web app failed with exit code 1" in output
    assert "| boom: the build fails on purpose" in output
    assert "Traceback" not in output
    await eventually(lambda: not alive(children), what="every child to be stopped")


async def test_a_stop_signal_during_the_build_ends_npm_too(start_web_stack: StartWebStack) -> None:
    run = start_web_stack(build_seconds=120)

    def building() -> list[int]:
        """The fake build's node process, once it runs."""
        return [pid for pid in run.pids() if "build.mjs" in " ".join(_cmdline(pid))]

    builder = await eventually(building, what="the build to be under way")

    assert await run.stop() == 0
    await eventually(lambda: not alive(builder), what="the build to end with the stack")


def _cmdline(pid: int) -> list[str]:
    try:
        cmdline: list[str] = psutil.Process(pid).cmdline()
        return cmdline
    except psutil.Error:
        return []


def test_no_web_leaves_the_web_app_out(tmp_path: Path) -> None:
    assert parse_args([]).web_dir == default_web_dir()
    assert parse_args(["--no-web"]).web_dir is None
    options = parse_args(["--state-dir", str(tmp_path)])

    served = StackPlan(options, default_services(), default_gateway())
    standins = StackPlan(options, default_services(), standin("gateway", database=False))
    without = StackPlan(parse_args(["--no-web"]), default_services(), default_gateway())

    assert served.gateway_env({})["GATEWAY_WEB_DIR"] == str(default_web_dir() / "dist")
    assert "GATEWAY_WEB_DIR" not in standins.gateway_env({})  # a stand-in serves no web app
    assert "GATEWAY_WEB_DIR" not in without.gateway_env({"GATEWAY_WEB_DIR": "/elsewhere"})
