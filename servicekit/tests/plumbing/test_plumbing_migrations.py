"""The plumbing migrations create what servicekit's Outbox declares."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from servicekit.db import create_engine, service_metadata
from servicekit.migrations import create_outbox_broker_table_v1, create_plumbing_tables_v1
from servicekit.outbox import Outbox
from servicekit.testing import ServiceDatabases
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

SCHEMA = "plumbtest"
outbox = Outbox(service_metadata(SCHEMA), producer=SCHEMA)


async def migrate_plumbing(service: str, url: str) -> None:
    def run(connection: Connection) -> None:
        with Operations.context(MigrationContext.configure(connection)):
            create_plumbing_tables_v1(SCHEMA)
            create_outbox_broker_table_v1(SCHEMA)

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


async def test_the_migrations_create_the_declared_plumbing_tables(
    service_database: ServiceDatabases,
) -> None:
    engine = create_engine(await service_database(SCHEMA, migrate_plumbing))
    # Alembic compares the connection's default schema (plumbtest) with schema-less tables.
    declared = MetaData()
    for table in (outbox.table, outbox.lanes, outbox.broker, outbox.processed):
        # Documented (None: the target MetaData's schema, here none), but typed as str only.
        table.to_metadata(declared, schema=None)  # type: ignore[arg-type]

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, declared))

    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
