"""Woken by PostgreSQL NOTIFY: a LISTEN connection of its own that sets an asyncio.Event.

A writer calls `pg_notify(channel, '')` in its transaction; PostgreSQL delivers it at commit,
never on rollback, to every session listening on that channel in the database, so every replica
wakes. The listener reconnects with a growing pause after a failure; meanwhile (and whenever a
notification could be missed) its users still poll, so a lost connection only makes them slower.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 30.0


class Wakeup:
    """LISTEN on `channel`; each notification sets `event`, which `wait` returns on and clears."""

    def __init__(
        self,
        dsn: str,
        channel: str,
        *,
        first_retry: float = FIRST_RETRY_SECONDS,
        longest_retry: float = LONGEST_RETRY_SECONDS,
    ) -> None:
        self.dsn = dsn
        self.channel = channel
        self.first_retry = first_retry
        self.longest_retry = longest_retry
        self.event = asyncio.Event()
        self.listening = asyncio.Event()  # set while LISTEN is in place

    async def run(self) -> None:
        """Listen until cancelled, connecting again after a failure or a lost connection."""
        retry = self.first_retry
        while True:
            try:
                await self._listen()
                retry = self.first_retry  # it was listening: the next try comes soon
                reason = "connection closed"
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                reason = type(exc).__name__
            log.warning(
                "LISTEN %s lost (%s); polling only, again in %.0fs", self.channel, reason, retry
            )
            await asyncio.sleep(retry)
            retry = min(retry * 2, self.longest_retry)

    async def wait(self, timeout: float, stop: asyncio.Event | None = None) -> None:
        """Return once notified, once `stop` is set, or after `timeout` seconds; clears `event`.

        Callers look at the database after this returns: whatever was committed before then is
        seen, and a notification arriving meanwhile sets `event` again for the next wait.
        """
        waits = [asyncio.ensure_future(self.event.wait())]
        if stop is not None:
            waits.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
        self.event.clear()

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        closed = asyncio.Event()
        connection.add_termination_listener(lambda *_: closed.set())
        try:
            await connection.add_listener(self.channel, self._notified)
            self.listening.set()
            self.event.set()  # catch up on anything committed before we listened
            await closed.wait()  # the server went away: no poll of the connection meanwhile
        finally:
            self.listening.clear()
            # Not close(): awaited while cancelled mid-statement it can wait forever, and a
            # LISTEN-only connection has nothing to finish gracefully.
            connection.terminate()

    def _notified(self, *_: object) -> None:
        self.event.set()
