"""clinic-stack end to end, with stand-in services: start, supervise, stop, fail clearly."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.db import asyncpg_dsn

from .conftest import STANDINS, ExternalServers, StartStack, alive, eventually


def _get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5, trust_env=False)


async def _topics(bootstrap_servers: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _migration_rows(admin_url: str, database: str, service: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(admin_url, database))
    try:
        count: int = await connection.fetchval(f"SELECT count(*) FROM {service}.standin_migrations")
        return count
    finally:
        await connection.close()


async def test_stack_provisions_migrates_starts_and_reports_ready(
    start_stack: StartStack, external_servers: ExternalServers, kafka_topic_prefix: str
) -> None:
    topic = f"{kafka_topic_prefix}clinic.alpha.v1"
    run = start_stack(env=external_servers.env, args=external_servers.args, topics=[(topic, 3)])
    stack = await run.ready()

    assert next(iter(stack)) == "gateway"
    assert stack["gateway"]["url"] == f"http://127.0.0.1:{run.gateway_port}"
    for offset, name in enumerate(STANDINS, start=1):
        assert stack[name]["url"] == f"http://127.0.0.1:{run.gateway_port + offset}"
        assert _get(f"{stack[name]['url']}/readyz").status_code == 200
        assert await _migration_rows(external_servers.admin_url, external_servers.database, name)
    assert "password" not in json.dumps(stack["postgres"])
    assert topic in await _topics(external_servers.kafka)

    alpha_env = _get(f"{stack['alpha']['url']}/env").json()
    assert "DATABASE_URL" not in alpha_env  # the superuser URL stays with the supervisor
    assert alpha_env["ALPHA_DATABASE_URL"].startswith("postgresql+asyncpg://alpha_svc:")
    assert "BRAVO_DATABASE_URL" not in alpha_env
    assert alpha_env["ENVIRONMENT"] == "development"
    assert alpha_env["KAFKA_ENABLE_IDEMPOTENCE"] == external_servers.env["KAFKA_ENABLE_IDEMPOTENCE"]
    assert alpha_env["JWKS_URL"] == f"{stack['alpha']['url']}/.well-known/jwks.json"
    assert alpha_env["IDENTITY_KEYS_DIR"] == str(run.state_dir / "keys")
    gateway_env = _get(f"{stack['gateway']['url']}/env").json()
    assert gateway_env["GATEWAY_ECHO_URL"] == stack["echo"]["url"]
    assert gateway_env["GATEWAY_PORT"] == str(run.gateway_port)
    metrics_port = run.gateway_port + len(STANDINS) + 1  # right after the services'
    assert gateway_env["GATEWAY_METRICS_PORT"] == str(metrics_port)
    assert stack["gateway-metrics"]["url"] == f"http://127.0.0.1:{metrics_port}/metrics"
    secrets_mode = stat.S_IMODE((run.state_dir / "secrets.json").stat().st_mode)
    assert secrets_mode == 0o600
    phases = json.loads((run.state_dir / "startup.json").read_text())
    names = ["postgres", "broker", "database and topics", "migrations"]
    assert list(phases)[:4] == names
    assert {f"{name} ready" for name in ("gateway", *STANDINS)} <= set(phases)
    assert all(seconds >= 0 for seconds in phases.values())
    assert phases["total"] >= phases["migrations"]

    assert await run.stop(signal.SIGINT) == 0
    assert not (run.state_dir / "stack.json").exists()


async def test_a_killed_child_is_reported_and_restarted(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    run = start_stack(env=external_servers.env, args=external_servers.args)
    stack = await run.ready()
    old_pid = stack["bravo"]["pid"]

    os.kill(old_pid, signal.SIGKILL)

    def restarted() -> bool:
        return run.stack()["bravo"]["pid"] not in (None, old_pid)

    await eventually(restarted, what="bravo to be restarted with a new pid in stack.json")
    assert f"!!! bravo (pid {old_pid}) died with signal SIGKILL" in run.output()
    assert "| bravo listening on" in run.output()  # the end of its log comes with the report
    assert not alive([old_pid])
    url = run.stack()["bravo"]["url"]

    def answers() -> bool:
        try:
            return _get(f"{url}/readyz").status_code == 200
        except httpx.HTTPError:
            return False

    await eventually(answers, what="the restarted bravo to answer /readyz")
    assert await run.stop(signal.SIGTERM) == 0


async def test_a_killed_supervisor_leaves_no_child_behind(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    run = start_stack(env=external_servers.env, args=external_servers.args)
    await run.ready()
    children = run.pids()
    assert len(children) >= len(STANDINS) + 1

    run.process.kill()

    await eventually(lambda: not alive(children), what="orphans to receive their death signal")


async def test_reset_wipes_the_state_dir(
    start_stack: StartStack, external_servers: ExternalServers, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "leftover.txt").write_text("from an earlier run")
    (state / "secrets.json").write_text(json.dumps({"database_passwords": {"alpha": "old-pw"}}))

    run = start_stack(env=external_servers.env, args=[*external_servers.args, "--reset"])
    await run.ready()

    assert not (state / "leftover.txt").exists()
    passwords = json.loads((state / "secrets.json").read_text())["database_passwords"]
    assert passwords["alpha"] != "old-pw"
    assert "wiped state dir" in run.output()

    # A second stack on the same state dir is refused before it wipes anything.
    intruder = start_stack(env=external_servers.env, args=[*external_servers.args, "--reset"])
    assert await intruder.exit_code() == 1
    assert "another clinic-stack is running with state dir" in intruder.output()
    assert (state / "secrets.json").exists()
    assert (state / "stack.json").exists()
    assert await run.stop() == 0


async def test_a_stop_signal_during_startup_stops_what_was_started(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    env = {**external_servers.env, "STANDIN_NEVER_READY": "delta"}
    run = start_stack(env=env, args=[*external_servers.args, "--ready-timeout", "300"])
    await eventually(lambda: "gateway started" in run.output(), what="every process to start")

    assert await run.stop(signal.SIGINT) == 0
    assert "stopped" in run.output()


async def test_a_taken_port_stops_it_with_a_clear_message(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        run = start_stack(
            env=external_servers.env, args=external_servers.args, gateway_port=taken - 2
        )
        code = await run.exit_code()

    assert code == 2
    # Neighbouring ports may be in use too (tests run alongside): the message lists them all.
    assert "port already in use on 127.0.0.1:" in run.output()
    assert f"{taken} (bravo)" in run.output()


async def test_a_failed_migration_stops_it_with_the_migration_output(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    env = {**external_servers.env, "STANDIN_FAIL_MIGRATE": "charlie"}
    run = start_stack(env=env, args=external_servers.args)

    assert await run.exit_code() == 1
    assert "migration of charlie failed with exit code 3" in run.output()
    assert "boom: charlie migration fails on purpose" in run.output()
    assert "Traceback" not in run.output()  # told, not dumped


async def test_a_service_that_never_gets_ready_is_named_with_its_log(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    env = {**external_servers.env, "STANDIN_NEVER_READY": "delta"}
    run = start_stack(env=env, args=[*external_servers.args, "--ready-timeout", "3"])
    children_seen: list[int] = []

    async def exited() -> bool:
        children_seen.extend(run.pids())
        return run.process.poll() is not None

    await eventually(exited, what="the supervisor to give up", timeout=90)

    assert run.process.returncode == 1
    output = run.output()
    assert "not ready after 3s: delta" in output
    assert "delta listening on" in output
    await eventually(lambda: not alive(children_seen), what="every child to be stopped")


async def test_a_service_that_exits_while_starting_stops_it_naming_the_service(
    start_stack: StartStack, external_servers: ExternalServers
) -> None:
    env = {**external_servers.env, "STANDIN_EXIT": "charlie"}
    run = start_stack(env=env, args=external_servers.args)

    assert await run.exit_code() == 1
    assert "exited while starting: charlie" in run.output()
    assert "charlie cannot start: exiting on purpose" in run.output()


@pytest.mark.timeout(300)
async def test_its_own_servers_are_supervised_and_keep_data_across_runs(
    start_stack: StartStack, kafka_topic_prefix: str
) -> None:
    topic = f"{kafka_topic_prefix}clinic.alpha.v1"
    first = start_stack(topics=[(topic, 2)], services=("alpha", "bravo"))
    stack = await first.ready()
    kafka = stack["kafka"]["url"]
    assert stack["postgres"]["pid"]
    assert stack["kafka"]["pid"]
    assert topic in await _topics(kafka)
    old_broker = stack["kafka"]["pid"]

    os.kill(old_broker, signal.SIGKILL)  # Tansu forgets every topic: they must come back

    await eventually(
        lambda: first.stack()["kafka"]["pid"] not in (None, old_broker),
        what="tansu to be restarted",
    )
    await eventually(lambda: _has_topic(kafka, topic), what="topics to be re-created")
    assert f"!!! kafka (pid {old_broker}) died with signal SIGKILL" in first.output()
    assert await first.stop(signal.SIGINT) == 0

    second = start_stack(topics=[(topic, 2)], services=("alpha", "bravo"))
    await second.ready()
    password = (second.state_dir / "postgres.password").read_text().strip()
    admin_url = f"postgresql://postgres:{password}@127.0.0.1:{second.postgres_port}/postgres"
    # Both runs migrated into the same, persisted database, with the same service passwords.
    assert await _migration_rows(admin_url, "clinic", "alpha") == 2
    # Even a supervisor killed outright takes PostgreSQL and Tansu down with it.
    assert await second.stop(signal.SIGKILL) == -signal.SIGKILL


async def _has_topic(bootstrap_servers: str, topic: str) -> bool:
    try:
        return topic in await _topics(bootstrap_servers)
    except Exception:
        return False
