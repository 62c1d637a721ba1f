"""The servers behind the test fixtures: named by env, Testcontainers, or embedded.

Order: TEST_DATABASE_URL / TEST_KAFKA_BOOTSTRAP_SERVERS if set; else Testcontainers when a
Docker engine answers (TEST_USE_DOCKER=0 skips that check); else embedded PostgreSQL and Tansu.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicekit.local.processes import free_port

POSTGRES_IMAGE = "postgres:17"
KAFKA_IMAGE = "confluentinc/cp-kafka:7.9.0"  # Apache Kafka 3.9, KRaft
_FALSE = frozenset({"0", "false", "no", "off"})


async def _nothing() -> None:
    return None


@dataclass
class PostgresServer:
    admin_url: str  # plain postgresql:// form
    kind: str  # "env", "docker" or "embedded"
    close: Callable[[], Awaitable[None]] = _nothing


@dataclass
class KafkaServer:
    bootstrap_servers: str
    supports_idempotence: bool
    kind: str
    close: Callable[[], Awaitable[None]] = _nothing


@functools.cache
def docker_available(timeout: float = 3.0) -> bool:
    """Whether a Docker engine answers a ping within `timeout` seconds (never hangs)."""
    if os.environ.get("TEST_USE_DOCKER", "").lower() in _FALSE:
        return False
    answer: list[bool] = []

    def ping() -> None:
        try:
            import docker

            client = docker.from_env(timeout=int(timeout))
            try:
                answer.append(bool(client.ping()))
            finally:
                client.close()
        except Exception:
            answer.append(False)

    thread = threading.Thread(target=ping, name="docker-ping", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    return bool(answer and answer[0])


# A test server throws its data away: it need not survive a crash, so it does not flush
# WAL to disk at each commit (two test workers and their stacks share one slow disk).
_FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


async def start_postgres() -> PostgresServer:
    """A PostgreSQL server for this test session."""
    from servicekit.db import asyncpg_dsn

    if url := os.environ.get("TEST_DATABASE_URL"):
        return PostgresServer(asyncpg_dsn(url), "env")
    if docker_available():
        return await _postgres_container()
    return await _embedded_postgres()


async def start_kafka() -> KafkaServer:
    """A Kafka-protocol broker for this test session."""
    if servers := os.environ.get("TEST_KAFKA_BOOTSTRAP_SERVERS"):
        idempotence = os.environ.get("TEST_KAFKA_SUPPORTS_IDEMPOTENCE", "true")
        return KafkaServer(servers, idempotence.lower() not in _FALSE, "env")
    if docker_available():
        return await _kafka_container()
    return await _embedded_tansu()


async def _postgres_container() -> PostgresServer:
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(POSTGRES_IMAGE, driver=None)
    await asyncio.to_thread(container.start)
    return PostgresServer(container.get_connection_url(), "docker", _stopper(container))


async def _kafka_container() -> KafkaServer:
    from testcontainers.community.kafka import KafkaContainer

    container = KafkaContainer(KAFKA_IMAGE).with_kraft()
    await asyncio.to_thread(container.start)
    return KafkaServer(container.get_bootstrap_server(), True, "docker", _stopper(container))


def _stopper(container: Any) -> Callable[[], Awaitable[None]]:
    async def stop() -> None:
        await asyncio.to_thread(container.stop)

    return stop


async def _embedded_postgres() -> PostgresServer:
    # Started from this (the event loop's) thread: its death signal is tied to this thread.
    from servicekit.local.postgres import EmbeddedPostgres, PostgresStartError

    root = Path(tempfile.mkdtemp(prefix="servicekit-pg-"))
    for attempt in range(3):
        server = EmbeddedPostgres(
            root / "data", free_port(), log_path=root / "postgres.log", server_settings=_FAST
        )
        try:
            await server.start()
            break
        except PostgresStartError as error:
            if "already in use" not in str(error) or attempt == 2:
                shutil.rmtree(root, ignore_errors=True)
                raise

    async def close() -> None:
        await server.stop()
        shutil.rmtree(root, ignore_errors=True)

    return PostgresServer(server.admin_url, "embedded", close)


async def _embedded_tansu() -> KafkaServer:
    from servicekit.local.tansu import BrokerStartError, TansuBroker

    root = Path(tempfile.mkdtemp(prefix="servicekit-tansu-"))
    for attempt in range(3):
        broker = TansuBroker(free_port(), log_path=root / "tansu.log")
        try:
            await broker.start()
            break
        except BrokerStartError as error:
            if "already in use" not in str(error) or attempt == 2:
                shutil.rmtree(root, ignore_errors=True)
                raise

    async def close() -> None:
        await broker.stop()
        shutil.rmtree(root, ignore_errors=True)

    # This Tansu build has no idempotent or transactional producers.
    return KafkaServer(broker.bootstrap_servers, False, "embedded", close)
