"""EmbeddedPostgres and TansuBroker: real servers as child processes."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import asyncpg
import pytest
from servicekit.local.postgres import EmbeddedPostgres, PostgresStartError
from servicekit.local.processes import free_port
from servicekit.local.tansu import TansuBroker, answers_metadata


async def test_postgres_data_survives_a_restart(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "postgres", free_port())
    async with server:
        connection = await asyncpg.connect(server.admin_url)
        await connection.execute("CREATE TABLE visits (patient text)")
        await connection.execute("INSERT INTO visits VALUES ('Amina')")
        await connection.close()
    assert server.poll() is not None

    async with server:
        connection = await asyncpg.connect(server.admin_url)
        assert await connection.fetchval("SELECT patient FROM visits") == "Amina"
        await connection.close()


async def test_postgres_needs_the_saved_password_over_tcp(tmp_path: Path) -> None:
    async with EmbeddedPostgres(tmp_path / "postgres", free_port()) as server:
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
        assert server.password_file.parent == tmp_path
        assert server.admin_url.startswith("postgresql://postgres:")
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(
                host="127.0.0.1", port=server.port, user="postgres", password="wrong"
            )


async def test_postgres_replaces_a_lost_password_file(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "postgres", free_port())
    async with server:
        old_url = server.admin_url
    server.password_file.unlink()

    async with server:
        assert server.admin_url != old_url
        connection = await asyncpg.connect(server.admin_url)
        assert await connection.fetchval("SELECT current_user") == "postgres"
        await connection.close()


async def test_postgres_on_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(PostgresStartError, match=f"port {port} on 127.0.0.1 is already in use"):
            await EmbeddedPostgres(tmp_path / "postgres", port).start()


async def test_tansu_answers_metadata_until_stopped(tmp_path: Path) -> None:
    broker = TansuBroker(free_port(), log_path=tmp_path / "tansu.log")
    async with broker:
        assert broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
        assert await answers_metadata(broker.bootstrap_servers)
    assert broker.poll() is not None
    assert not await answers_metadata(broker.bootstrap_servers, timeout=1)
