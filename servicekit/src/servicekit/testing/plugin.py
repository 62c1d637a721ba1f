"""Pytest plugin: real PostgreSQL and Kafka-protocol broker for any test.

Servers start lazily, once per session, only when a test asks for them:

- `postgres_admin_url`: superuser URL (`postgresql://`), from TEST_DATABASE_URL,
  Testcontainers (postgres:17) when Docker answers, or embedded PostgreSQL;
- `kafka_bootstrap_servers`, `kafka_supports_idempotence`: TEST_KAFKA_BOOTSTRAP_SERVERS
  (TEST_KAFKA_SUPPORTS_IDEMPOTENCE, default true), Testcontainers Kafka (KRaft), or Tansu;
- `kafka_topic_prefix` and `create_topics`: fresh topics for each test;
- `service_database` (session factory) and `clean_service_database` (per test, truncating).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from servicekit.local.processes import free_port
from servicekit.testing.databases import (
    KEEP_TABLES,
    CleanServiceDatabase,
    Migrate,
    ServiceDatabases,
    module_migration,
)

if TYPE_CHECKING:
    from servicekit.testing.servers import KafkaServer, PostgresServer

__all__ = ["CreateTopics", "free_port"]

# create_topics("appointments", partitions=3) -> ["t1a2b3c4d.appointments"]
CreateTopics = Callable[..., Awaitable[list[str]]]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_server() -> AsyncIterator[PostgresServer]:
    """The session's PostgreSQL server (see module docstring for where it comes from)."""
    from servicekit.testing.servers import start_postgres

    server = await start_postgres()
    yield server
    await server.close()


@pytest.fixture(scope="session")
def postgres_admin_url(postgres_server: PostgresServer) -> str:
    """Superuser URL of the session's PostgreSQL server, `postgresql://` form."""
    return postgres_server.admin_url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def kafka_server() -> AsyncIterator[KafkaServer]:
    """The session's Kafka-protocol broker."""
    from servicekit.testing.servers import start_kafka

    server = await start_kafka()
    yield server
    await server.close()


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(kafka_server: KafkaServer) -> str:
    return kafka_server.bootstrap_servers


@pytest.fixture(scope="session")
def kafka_supports_idempotence(kafka_server: KafkaServer) -> bool:
    """False for Tansu: producers must run with enable_idempotence=False there."""
    return kafka_server.supports_idempotence


@pytest.fixture
def kafka_topic_prefix() -> str:
    """A prefix unique to this test (`t<8 hex>.`), so that each test has fresh topics."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture
def create_topics(kafka_bootstrap_servers: str, kafka_topic_prefix: str) -> CreateTopics:
    """`await create_topics("a", "b", partitions=3)` creates the prefixed topics, returns names."""
    from servicekit.kafka_admin import ensure_topics

    async def create(*names: str, partitions: int = 1) -> list[str]:
        topics = [f"{kafka_topic_prefix}{name}" for name in names]
        await ensure_topics(kafka_bootstrap_servers, [(topic, partitions) for topic in topics])
        return topics

    return create


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def service_database(postgres_admin_url: str) -> AsyncIterator[ServiceDatabases]:
    """Session factory: `await service_database("booking")` -> booking's asyncpg URL.

    One test database per session; each service is provisioned (own role and schema) and
    migrated once, by `python -m <service> migrate` unless another `migrate` is passed.
    """
    databases = ServiceDatabases(postgres_admin_url)
    yield databases
    await databases.drop()


@pytest_asyncio.fixture(loop_scope="session")
async def clean_service_database(service_database: ServiceDatabases) -> CleanServiceDatabase:
    """Per test: `await clean_service_database("booking")` -> URL of a freshly emptied schema.

    Every table but alembic_version is truncated (RESTART IDENTITY CASCADE) before returning.
    """

    async def clean(service: str, migrate: Migrate | None = module_migration) -> str:
        url = await service_database(service, migrate)
        await service_database.truncate(service, KEEP_TABLES)
        return url

    return clean
