"""Alembic per service: the version table lives in the service's schema; runs as its role."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    """An Alembic config for a service's migrations folder and database URL."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = database_url
    return config


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    """Apply the service's migrations up to `revision`."""
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def run_env(metadata: MetaData) -> None:
    """The body of every service's env.py (online mode, async engine)."""
    url = context.config.attributes["database_url"]
    asyncio.run(_run_async(url, metadata))


async def _run_async(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run, metadata)
        await connection.commit()
    await engine.dispose()


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=metadata.schema,
        include_schemas=False,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def create_plumbing_tables_v1(schema: str) -> None:
    """Create the outbox, its lanes and the processed-event table (first revision of a service)."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("message_key", sa.Text, nullable=False),
        sa.Column("lane", sa.SmallInteger, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["lane", "id"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "outbox_lanes",
        sa.Column("lane", sa.SmallInteger, nullable=False),
        sa.PrimaryKeyConstraint("lane", name="pk_outbox_lanes"),
        schema=schema,
    )
    op.execute(f"INSERT INTO {schema}.outbox_lanes (lane) SELECT generate_series(0, 15)")
    op.create_table(
        "processed_events",
        sa.Column("consumer_group", sa.Text, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("consumer_group", "event_id", name="pk_processed_events"),
        schema=schema,
    )


def drop_plumbing_tables_v1(schema: str) -> None:
    """Undo create_plumbing_tables_v1."""
    for table in ("processed_events", "outbox_lanes", "outbox"):
        op.drop_table(table, schema=schema)


def create_outbox_broker_table_v1(schema: str) -> None:
    """Create the table recording the broker cluster the outbox last published to."""
    op.create_table(
        "outbox_broker",
        sa.Column("id", sa.SmallInteger, nullable=False, autoincrement=False),
        sa.Column("cluster_id", sa.Text, nullable=False),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_broker"),
        sa.CheckConstraint("id = 1", name="ck_outbox_broker_single_row"),
        schema=schema,
    )


def drop_outbox_broker_table_v1(schema: str) -> None:
    """Undo create_outbox_broker_table_v1."""
    op.drop_table("outbox_broker", schema=schema)


def create_idempotency_table_v1(schema: str) -> None:
    """Create the table of remembered Idempotency-Key responses (servicekit.idempotency)."""
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status_code", sa.SmallInteger),
        sa.Column("body", JSONB),
        sa.Column("location", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
        schema=schema,
    )
    op.create_index(
        "ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], schema=schema
    )


def drop_idempotency_table_v1(schema: str) -> None:
    """Undo create_idempotency_table_v1."""
    op.drop_table("idempotency_keys", schema=schema)
