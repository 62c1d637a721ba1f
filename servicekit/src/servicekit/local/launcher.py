"""Brings the local stack up in order and down in reverse: servers, database, topics, services."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy.engine import make_url

from servicekit.kafka_admin import ensure_topics
from servicekit.local import demo
from servicekit.local.postgres import EmbeddedPostgres
from servicekit.local.processes import describe_exit, port_is_free, spawn, terminate, wait_exit
from servicekit.local.stack import (
    ServiceSpec,
    StackPlan,
    database_passwords,
    write_private,
    write_stack_file,
)
from servicekit.local.supervisor import (
    Report,
    ServiceProcess,
    Supervisor,
    print_status,
    wait_until_ready,
)
from servicekit.local.tansu import TansuBroker
from servicekit.local.web import WebApp, WebBuildError, build_in_child
from servicekit.provision import provision

_TRUE = frozenset({"1", "true", "yes", "on"})
# Tiers: higher tiers stop first, so services leave before the servers they use.
_POSTGRES_TIER, _KAFKA_TIER, _SERVICE_TIER = 0, 1, 2


class StackError(RuntimeError):
    """The stack cannot start; the message tells the user what to do."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LocalStack:
    """PostgreSQL and Tansu (unless given by env), the services and the gateway, supervised."""

    def __init__(
        self, plan: StackPlan, topics: Sequence[tuple[str, int]], report: Report = print_status
    ) -> None:
        self.plan = plan
        self.topics = list(topics)
        self.report = report
        self.options = plan.options
        self.supervisor = Supervisor(report=report, on_restart=self._write_stack_file)
        self.postgres: EmbeddedPostgres | None = None
        self.broker: TansuBroker | None = None
        self._postgres_url = ""
        self._kafka = ""
        self._lock: IO[str] | None = None
        # Seconds each step of the start took, in order; services from their spawn.
        self.phases: dict[str, float] = {}
        self._began = time.monotonic()

    @property
    def stack_file(self) -> Path:
        return self.options.state_dir / "stack.json"

    async def start(self) -> None:
        """Everything up and answering /readyz, or StackError; phase times in startup.json."""
        self._began = time.monotonic()
        self._prepare_state_dir()
        self._check_ports()
        web_build = self._start_web_build()
        try:
            await self._start_all(web_build)
        finally:
            if web_build is not None:
                await _abandon(web_build)
        self.phases["total"] = time.monotonic() - self._began
        write_private(self.options.state_dir / "startup.json", json.dumps(self.phases, indent=2))
        self._print_summary()

    async def _start_all(self, web_build: asyncio.Task[float] | None) -> None:
        with self._phase("postgres"):
            admin_url = await self._start_postgres()
        with self._phase("broker"):
            kafka, idempotence = await self._start_kafka()
        names = [spec.name for spec in self.plan.services if spec.uses_database]
        passwords = database_passwords(self.options.state_dir / "secrets.json", names)
        with self._phase("database and topics"):
            self.report(f"provisioning database {self.options.database} for {', '.join(names)}")
            database_urls = await provision(admin_url, self.options.database, passwords)
            await self._ensure_topics()
        common = self.plan.common_env(kafka=kafka, idempotence=idempotence)
        (self.options.state_dir / "keys").mkdir(mode=0o700, exist_ok=True)
        envs = {
            spec.name: self.plan.service_env(spec, common, database_urls.get(spec.name))
            for spec in self.plan.services
        }
        envs[self.plan.gateway.name] = self.plan.gateway_env(common)
        with self._phase("migrations"):
            await self._migrate_all(envs)
        for spec in self.plan.services:
            await self._start_service(spec, envs[spec.name])
        if web_build is not None:  # the gateway serves what it built
            try:
                self.phases["web build"] = await web_build
            except WebBuildError as error:
                raise StackError(str(error)) from None
        await self._start_service(self.plan.gateway, envs[self.plan.gateway.name])
        self.supervisor.supervise()
        self._write_stack_file()
        logs = {name: self.options.log_path(name) for name in envs}
        took = await wait_until_ready(
            self.plan.urls(),
            timeout=self.options.ready_timeout,
            exited=lambda: self.supervisor.exited,
            logs=logs,
            report=self.report,
        )
        self.phases.update({f"{name} ready": seconds for name, seconds in took.items()})
        self._write_stack_file()
        if self.options.demo and "identity" in envs:  # stacks of test services have none
            with self._phase("demo network"):
                await self._seed_demo(envs["identity"])

    async def _start_service(self, spec: ServiceSpec, env: dict[str, str]) -> None:
        process = ServiceProcess(
            spec.name, spec.command, env=env, log_path=self.options.log_path(spec.name)
        )
        await self.supervisor.start(process, tier=_SERVICE_TIER)

    def _start_web_build(self) -> asyncio.Task[float] | None:
        """The web app's build when stale, under way while the servers start and the services
        migrate, which then hides its time; None without a web app."""
        if self.plan.web_dir is None:
            return None
        web = WebApp(self.plan.web_dir)
        try:
            web.check_present()
        except WebBuildError as error:
            raise StackError(str(error), exit_code=2) from None
        return asyncio.create_task(self._build_web(web))

    async def _build_web(self, web: WebApp) -> float:
        """`clinic-web build --if-stale`; the seconds it took (a glance at file times when
        web/dist is fresh)."""
        began = time.monotonic()
        if await build_in_child(web, self.options.log_path("web-build"), self.report):
            self.report(f"built the web app in {time.monotonic() - began:.1f}s")
        return time.monotonic() - began

    @contextlib.contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        began = time.monotonic()
        yield
        self.phases[name] = time.monotonic() - began

    async def _seed_demo(self, identity_env: dict[str, str]) -> None:
        logins = demo.demo_logins(self.options.state_dir)
        try:
            await asyncio.to_thread(demo.create_admin, identity_env, logins[demo.ADMIN])
            seeded = await demo.seed(self.plan.urls()[self.plan.gateway.name], logins)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, httpx.HTTPError) as exc:
            raise StackError(f"seeding the demo clinic network failed: {exc}") from exc
        if seeded:
            self.report("seeded the demo clinic network")
        self.report(demo.describe(logins))

    async def stop(self) -> None:
        """Services and gateway first, then the broker, then PostgreSQL."""
        await self.supervisor.stop()
        if self._lock is not None:  # only the owner of the state dir touches its files
            self.stack_file.unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    def _prepare_state_dir(self) -> None:
        state = self.options.state_dir
        state.mkdir(parents=True, exist_ok=True)
        lock = (state / ".lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StackError(f"another clinic-stack is running with state dir {state}") from None
        self._lock = lock
        if self.options.reset:
            for child in state.iterdir():
                if child.name == ".lock":
                    continue
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
            self.report(f"wiped state dir {state}")
        self.options.logs_dir.mkdir(exist_ok=True)

    def _check_ports(self) -> None:
        wanted = dict(self.plan.ports())
        wanted["gateway metrics"] = self.plan.metrics_port()
        if not os.environ.get("DATABASE_URL"):
            wanted["postgres"] = self.options.postgres_port
        if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            wanted["kafka"] = self.options.kafka_port
        taken = [
            f"{port} ({name})"
            for name, port in wanted.items()
            if not port_is_free(self.options.host, port)
        ]
        if taken:
            raise StackError(
                f"port already in use on {self.options.host}: {', '.join(taken)}; stop what "
                "holds it or choose others with --gateway-port (services use the next 5, the "
                "gateway's metrics the one after), "
                "--postgres-port, --kafka-port",
                exit_code=2,
            )

    async def _start_postgres(self) -> str:
        external = os.environ.get("DATABASE_URL")
        if external:
            url = make_url(external).set(database=self.options.database)
            self._postgres_url = url.render_as_string(hide_password=True)
            self.report(f"using PostgreSQL at {self._postgres_url} (DATABASE_URL)")
            return external
        self.postgres = EmbeddedPostgres(
            self.options.state_dir / "postgres",
            self.options.postgres_port,
            self.options.host,
            log_path=self.options.log_path("postgres"),
        )
        await self.supervisor.start(self.postgres, tier=_POSTGRES_TIER)
        url = make_url(self.postgres.admin_url).set(database=self.options.database)
        self._postgres_url = url.render_as_string(hide_password=True)
        return self.postgres.admin_url

    async def _start_kafka(self) -> tuple[str, bool]:
        """Bootstrap servers, and whether producers may be idempotent there."""
        external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if external:
            self._kafka = external
            self.report(f"using Kafka at {external} (KAFKA_BOOTSTRAP_SERVERS)")
            return external, os.environ.get("KAFKA_ENABLE_IDEMPOTENCE", "true").lower() in _TRUE
        self.broker = TansuBroker(
            self.options.kafka_port, self.options.host, log_path=self.options.log_path("kafka")
        )
        # A restarted Tansu has forgotten every topic.
        await self.supervisor.start(
            self.broker, tier=_KAFKA_TIER, after_restart=self._ensure_topics
        )
        self._kafka = self.broker.bootstrap_servers
        return self._kafka, False

    async def _ensure_topics(self) -> None:
        await ensure_topics(self._kafka, self.topics)
        self.report(f"topics ensured on {self._kafka} ({len(self.topics)})")

    async def _migrate_all(self, envs: dict[str, dict[str, str]]) -> None:
        """Every service's migrations side by side: one schema each, none waits on another."""
        try:
            async with asyncio.TaskGroup() as migrations:
                for spec in self.plan.services:
                    migrations.create_task(self._migrate(spec, envs[spec.name]))
        except ExceptionGroup as failed:  # the first failure, told as the others are
            raise failed.exceptions[0] from None

    async def _migrate(self, spec: ServiceSpec, env: dict[str, str]) -> None:
        if spec.migrate_command is None:
            return
        log = self.options.log_path(f"{spec.name}-migrate")
        offset = log.stat().st_size if log.exists() else 0
        self.report(f"migrating {spec.name}")
        process = spawn(spec.migrate_command, log_path=log, env=env)
        try:
            code = await wait_exit(process, timeout=300)
        finally:
            if process.poll() is None:
                await terminate(process)
        if code != 0:
            with log.open("rb") as output:
                output.seek(offset)
                text = output.read().decode(errors="replace")
            outcome = "timed out" if code is None else f"failed with {describe_exit(code)}"
            raise StackError(f"migration of {spec.name} {outcome}; its output:\n{text}")

    def _describe(self) -> dict[str, dict[str, Any]]:
        """stack.json: the gateway first, then the services, then the servers."""
        entries: dict[str, dict[str, Any]] = {}
        by_name = {component.name: component for component in self.supervisor.components}
        for name, url in sorted(
            self.plan.urls().items(), key=lambda item: item[0] != self.plan.gateway.name
        ):
            component = by_name.get(name)
            entries[name] = {
                "pid": component.pid if component else None,
                "url": url,
                "log": str(self.options.log_path(name)),
            }
        entries["gateway-metrics"] = {
            "pid": entries[self.plan.gateway.name]["pid"],
            "url": f"{self.options.url(self.plan.metrics_port())}/metrics",
            "log": entries[self.plan.gateway.name]["log"],
        }
        for name, server, url in (
            ("postgres", self.postgres, self._postgres_url),
            ("kafka", self.broker, self._kafka),
        ):
            entries[name] = {
                "pid": server.pid if server else None,
                "url": url,
                "log": str(server.log_path) if server else None,
            }
        return entries

    def _write_stack_file(self) -> None:
        write_stack_file(self.stack_file, self._describe())

    def _print_summary(self) -> None:
        lines = [f"  {name:<10} {entry['url']}" for name, entry in self._describe().items()]
        if self.plan.web_dir is not None:  # first: what a person opens
            lines.insert(0, f"  {'web app':<10} {self.plan.urls()[self.plan.gateway.name]}/")
        if self.postgres is not None:
            lines.append(f"  {'':<10} (superuser password in {self.postgres.password_file})")
        lines.append(f"  {'logs':<10} {self.options.logs_dir}")
        self.report("ready:\n" + "\n".join(lines) + "\nCtrl-C stops everything")


async def _abandon(task: asyncio.Task[float]) -> None:
    """Stop a task the start no longer waits for, and drop its outcome: the start's own
    failure is the one to tell."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
