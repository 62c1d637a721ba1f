"""The whole system started as a user starts it (`clinic-stack`), driven over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import pytest
import pytest_asyncio
from identity.security.keys import KeyRing
from identity.security.tokens import issue_access_token
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from servicekit.auth import Membership
from servicekit.local import demo
from servicekit.local.web import CHROMIUM_ARGS
from xdist.scheduler import LoadFileScheduling

SERVICES = ("identity", "booking", "shifts", "notify", "reporting")
REPOSITORY = Path(__file__).resolve().parents[2]


class Stack:
    """A running `clinic-stack` in its own state folder and ports."""

    def __init__(
        self,
        state_dir: Path,
        extra_env: dict[str, str] | None = None,
        *,
        demo: bool = True,
        web: bool = False,
    ) -> None:
        self.state_dir = state_dir
        self.demo = demo
        # With the web app the stack builds it when stale and the gateway serves it at `/`;
        # a stack only driven over the API skips even the look at web/dist (--no-web).
        self.web = web
        # The gateway, the five services, the gateway's metrics, PostgreSQL, the broker.
        base = _free_block(9)
        self.gateway_port, self.postgres_port, self.kafka_port = base, base + 7, base + 8
        self.env = {**os.environ, **(extra_env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        self.gateway = f"http://127.0.0.1:{self.gateway_port}"

    def start(self, ready_within: float = 600.0) -> None:
        """Start it and wait for as long as it is starting: `clinic-stack` waits for a slow
        service itself and exits when one fails, so `ready_within` is only a backstop."""
        command = [
            shutil.which("clinic-stack") or "clinic-stack",
            "--state-dir",
            str(self.state_dir),
            "--gateway-port",
            str(self.gateway_port),
            "--postgres-port",
            str(self.postgres_port),
            "--kafka-port",
            str(self.kafka_port),
            *([] if self.demo else ["--no-demo"]),
            *([] if self.web else ["--no-web"]),
        ]
        self.output = open(self.state_dir.parent / "clinic-stack.out", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, stdout=self.output, stderr=subprocess.STDOUT, env=self.env
        )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.started() and self.all_ready():
                return
            try:  # waiting on the supervisor doubles as the poll interval
                self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"clinic-stack exited early:\n{self.log_tail()}")
        self.process.send_signal(signal.SIGINT)  # no fixture teardown follows a failed start
        self.process.wait(timeout=60)
        raise RuntimeError(f"the stack was not ready in {ready_within}s:\n{self.log_tail()}")

    def started(self) -> bool:
        """The stack printed its summary: migrated, ready and the demo network seeded."""
        output = self.state_dir.parent / "clinic-stack.out"
        return output.exists() and "Ctrl-C stops everything" in output.read_text(errors="replace")

    def all_ready(self) -> bool:
        ports = [self.gateway_port + n for n in range(6)]
        try:
            return all(
                httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
                for port in ports
            )
        except httpx.HTTPError:
            return False

    def log_tail(self) -> str:
        text = (self.state_dir.parent / "clinic-stack.out").read_text(errors="replace")
        return "\n".join(text.splitlines()[-40:])

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.state_dir / "stack.json").read_text())
        return data

    def pid(self, name: str) -> int:
        return int(self.info()[name]["pid"])

    def stop(self) -> list[int]:
        """Ctrl-C the supervisor; returns the pids of children still alive afterwards."""
        children = [int(entry["pid"]) for entry in self.info().values() if entry.get("pid")]
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        self.output.close()
        return [pid for pid in children if psutil.pid_exists(pid) and not _zombie(pid)]

    def demo_logins(self) -> dict[str, str]:
        """The demo network's passwords by login (admin@demo.clinic, +254700000001, ...)."""
        logins: dict[str, str] = json.loads((self.state_dir / "demo-logins.json").read_text())
        return logins

    def admin_dsn(self) -> str:
        password = (self.state_dir / "postgres.password").read_text().strip()
        return f"postgresql://postgres:{password}@127.0.0.1:{self.postgres_port}/clinic"

    def token(self, *memberships: Membership) -> dict[str, str]:
        ring = KeyRing(self.state_dir / "keys", create_if_missing=False)
        token = issue_access_token(
            ring.current,
            subject=uuid.uuid4(),
            memberships=memberships or (Membership("org_admin"),),
            issuer="clinic-identity",
            audience="clinic-api",
        )
        return {"Authorization": f"Bearer {token}"}


def _port_free(port: int) -> bool:
    return all(conn.laddr.port != port for conn in psutil.net_connections("tcp"))


# Below Linux's ephemeral range (32768-60999): no client socket of a test running alongside
# (xdist) is handed one of these ports while the stack starts.
_STACK_PORTS = range(20_000, 32_000)


def _free_block(size: int) -> int:
    """The first of `size` consecutive ports nobody uses, outside the ephemeral range."""
    while True:
        base = random.randrange(_STACK_PORTS.start, _STACK_PORTS.stop - size)
        if all(_port_free(base + n) for n in range(size)):
            return base


def _zombie(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


# The stack modules share, while this test process runs them one after another.
_shared: list[Stack] = []
E2E = Path(__file__).resolve().parent


def _has_own_stack(module: Path) -> bool:
    """Whether a module defines its own `stack` fixture (one it breaks, or a special one)."""
    return re.search(r"^def stack\(", module.read_text(), re.MULTILINE) is not None


class _SharedStackScheduling(LoadFileScheduling):  # type: ignore[misc]  # xdist is untyped
    """xdist's per-file scheduling, but the modules on the shared stack are one unit: one
    worker runs them one after another on one stack, instead of each worker starting one
    (and again after every module with a stack of its own in between)."""

    def __init__(self, config: pytest.Config, log: Any = None) -> None:
        super().__init__(config, log)
        root = config.rootpath
        self._shared_modules = {
            module.relative_to(root).as_posix()
            for module in E2E.glob("test_*.py")
            if not _has_own_stack(module)
        }

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return "tests/e2e (shared stack)" if module in self._shared_modules else module


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadFileScheduling | None:
    return _SharedStackScheduling(config, log) if config.getvalue("dist") == "loadfile" else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first on the shared stack, while its clinic list is still the demo
    network's alone: the screenshots in the README show what a new user sees. The admin
    console's come last: they change the demo network itself (clinics, providers, weekly hours,
    visits of the demo patient) that the other tests read as seeded."""
    items.sort(key=_run_order)


def _run_order(item: pytest.Item) -> int:
    if item.path.parent != E2E or not item.path.name.startswith("test_web_"):
        return 1
    return 2 if item.path.name.startswith("test_web_admin_") else 0


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """One stack for consecutive modules that need no special one: a start costs tens of
    seconds on a busy machine. Modules that break their stack define their own `stack`. It
    serves the web app, so the browser tests share it too."""
    if not _shared or _shared[0].process is None or _shared[0].process.poll() is not None:
        _shared[:] = [Stack(tmp_path_factory.mktemp("stack") / "state", web=True)]
        _shared[0].start()
    return _shared[0]


def _on_shared_stack(item: pytest.Item | None) -> bool:
    module = getattr(item, "module", None)
    fixtures = getattr(item, "fixturenames", ())
    return item is not None and "stack" in fixtures and not hasattr(module, "stack")


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Stop the shared stack once the next test does not use it: an idle stack still costs
    a third of a core, which the other tests of this process need."""
    if _shared and _on_shared_stack(item) and not _on_shared_stack(nextitem):
        shared = _shared.pop()
        if shared.process is not None and shared.process.poll() is None:
            shared.stop()


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        yield client


async def create_clinics(
    client: httpx.AsyncClient, stack: Stack, count: int, label: str
) -> list[str]:
    """Create `count` clinics through the gateway; returns their ids."""
    headers = stack.token()
    ids = []
    for n in range(count):
        response = await client.post(
            "/v1/clinics",
            json={"name": f"{label} {n}", "time_zone": "Europe/London"},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def demo_clinic(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    """The id of the demo network's first clinic (the stack may hold other tests' clinics)."""
    name = demo.CLINICS[0][0]
    found = await client.get("/v1/clinics", params={"name": name}, headers=headers)
    assert found.status_code == 200, found.text
    return str(next(c["id"] for c in found.json()["items"] if c["name"] == name))


async def new_provider_on_shift(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    clinic: str,
    type_id: str,
    start: datetime,
    *,
    hours: int = 4,
    label: str = "Dr Cover",
) -> tuple[str, str]:
    """A new provider of `clinic` on a one-off shift of `hours` from `start`; returns id and
    name once booking offers their time (its projection follows identity and shifts)."""
    name = f"{label} {secrets.token_hex(3)}"
    created = await client.post(
        "/v1/users",
        json={
            "full_name": name,
            "email": f"provider-{secrets.token_hex(4)}@demo.clinic",
            "password": secrets.token_urlsafe(24),
            "memberships": [
                {"role": "provider", "clinic_id": clinic, "specialty": "general practice"}
            ],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    provider = str(created.json()["id"])
    shift_body = {
        "clinic_id": clinic,
        "staff_id": provider,
        "role": "provider",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
    }
    deadline = time.monotonic() + 60
    while True:  # shifts learns of the new role from identity's event, within seconds
        shift = await client.post("/v1/shifts", json=shift_body, headers=admin)
        if shift.status_code != 422 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    assert shift.status_code == 201, shift.text
    deadline = time.monotonic() + 60
    while True:
        slots = await client.get(
            "/v1/slots",
            params={
                "clinic_id": clinic,
                "type_id": type_id,
                "provider_id": provider,
                "from": max(start, datetime.now(UTC)).isoformat(),
            },
            headers=admin,
        )
        if slots.status_code == 200 and slots.json()["items"]:
            return provider, name
        assert time.monotonic() < deadline, f"booking never offered {name}'s shift: {slots.text}"
        await asyncio.sleep(0.5)


async def query(stack: Stack, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(stack.admin_dsn())
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def facts_for(stack: Stack, ids: list[str], event_type: str | None = None) -> list[str]:
    """aggregate ids of reporting's facts among `ids` (of one type if given), with repeats."""
    rows = await query(
        stack,
        "SELECT aggregate_id FROM reporting.event_facts WHERE aggregate_id = ANY($1)"
        " AND ($2::text IS NULL OR event_type = $2)",
        ids,
        event_type,
    )
    return [row["aggregate_id"] for row in rows]


async def wait_for_facts(
    stack: Stack, ids: list[str], deadline: float = 90.0, event_type: str | None = None
) -> list[str]:
    end = time.monotonic() + deadline
    while True:
        found = await facts_for(stack, ids, event_type)
        if len(set(found)) >= len(set(ids)) or time.monotonic() > end:
            return found
        await asyncio.sleep(0.25)


def python() -> str:
    return sys.executable


PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
AXE_SCRIPT = REPOSITORY / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPOSITORY / "docs" / "screenshots"
NewPage = Callable[..., Awaitable[Page]]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for this test process."""
    executable = shutil.which(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    if executable is None:
        pytest.fail(
            "Chromium is not installed: run `apt-get install -y chromium` (or set CHROMIUM_PATH)"
        )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def new_page(browser: Browser, stack: Stack) -> AsyncIterator[NewPage]:
    """new_page(PHONE or DESKTOP, locale=..., timezone_id=..., axe=False): a page in a fresh
    context (no cookies, no storage) whose relative URLs go to the stack's gateway.

    axe=True turns off the page's Content-Security-Policy: the app's policy allows only its
    own script files, and Playwright injects axe-core as an inline script. Only pages that
    run axe do so, so every other page still proves the app works under its policy.
    """
    contexts: list[BrowserContext] = []

    async def make(
        device: dict[str, Any] = PHONE,
        *,
        locale: str = "en-GB",
        timezone_id: str = "Africa/Nairobi",
        axe: bool = False,
    ) -> Page:
        context = await browser.new_context(
            **device,
            locale=locale,
            timezone_id=timezone_id,
            base_url=stack.gateway,
            bypass_csp=axe,
            reduced_motion="reduce",  # the app then skips its transitions (theme.ts)
        )
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()


async def axe_check(page: Page, label: str) -> None:
    """No serious or critical accessibility violation (axe-core) on the page as it is now."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `uv run --frozen clinic-web build` (npm ci)")
    await page.add_script_tag(path=AXE_SCRIPT)
    if not await page.evaluate("typeof window.axe === 'object'"):
        pytest.fail(f"axe-core did not load on {label}: open the page with new_page(..., axe=True)")
    results = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(_describe(node) for node in v["nodes"])
        for v in serious
    )
    assert not serious, f"accessibility violations on {label}:\n{report}"


async def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in docs/screenshots/<name>.png (committed: the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Scrolled down, the fixed header would be drawn over the middle of a full-page picture.
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


def _describe(node: dict[str, Any]) -> str:
    """Where a violation is, its text, and what axe measured (colours and ratio for contrast)."""
    target = ", ".join(map(str, node["target"]))
    measured = [check.get("data") for check in node.get("any", []) if check.get("data")]
    return f"{target}\n      {node.get('html', '')[:160]}\n      {measured}"
