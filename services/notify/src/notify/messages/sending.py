"""Claimed messages handed to their providers: sent, or first looked up at the provider when an
earlier attempt's outcome is unknown (a timeout, a process that died mid-send)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.messages import repository
from notify.messages.models import Message
from notify.providers.base import Accepted, Outgoing, Provider, SendFailed

log = logging.getLogger(__name__)
RECONCILE_LOOKUPS = 5  # then the provider is asked again at the next lease

Outcome = Accepted | SendFailed | None
"""A provider's answer: taken, refused (or unknown), or, when asked, never received."""


@dataclass(frozen=True)
class Job:
    """One claimed message for its provider: send it, or ask about it (`reconcile_since`)."""

    message_id: uuid.UUID
    attempt: int
    provider: str
    outgoing: Outgoing
    reconcile_since: datetime | None = None  # set: ask the provider, do not send


def job_for(message: Message, public_url: str | None, *, reconcile: bool = False) -> Job:
    """The job of a message marked `sending`; Twilio is asked to report to our callback."""
    callback = None
    if public_url and message.provider == "twilio":
        base = public_url.rstrip("/")
        callback = f"{base}/v1/webhooks/twilio/status?message_id={message.id}"
    outgoing = Outgoing(
        message_id=message.id,
        to=message.to_phone or "",
        body=message.body or "",
        channel="whatsapp" if message.channel == "whatsapp" else "sms",
        status_callback=callback,
    )
    since = (message.attempted_at or message.created_at) - timedelta(minutes=1)
    return Job(
        message.id,
        message.attempts,
        message.provider or "",
        outgoing,
        reconcile_since=since if reconcile else None,
    )


class Sender:
    """Calls the providers, at most `concurrency` at once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        providers: Mapping[str, Provider],
        concurrency: int,
    ) -> None:
        self.sessions = sessions
        self.providers = providers
        self._gate = asyncio.Semaphore(concurrency)

    async def aclose(self) -> None:
        """Close the providers' connections."""
        for provider in self.providers.values():
            if (close := getattr(provider, "aclose", None)) is not None:
                await close()

    async def perform(self, job: Job) -> Outcome:
        """Send the job's message, or ask its provider about it; every failure is an answer."""
        provider = self.providers.get(job.provider)
        if provider is None:
            return SendFailed("provider_not_configured", job.provider, transient=False)
        async with self._gate:
            try:
                if job.reconcile_since is None:
                    return await provider.send(job.outgoing)
                if not provider.can_reconcile:
                    return SendFailed(
                        "unknown_outcome",
                        f"{provider.name} cannot be asked whether it took the message, "
                        "so it is not sent again",
                        transient=False,
                    )
                return await self._reconcile(provider, job, job.reconcile_since)
            except SendFailed as failure:
                return failure
            except Exception as exc:  # a provider bug must not stall every other message
                log.exception("provider %s raised", job.provider)
                return SendFailed(type(exc).__name__, "unexpected provider error", transient=True)

    async def _reconcile(self, provider: Provider, job: Job, since: datetime) -> Outcome:
        """The provider's record of the job's message: the newest with its words and phone
        that no other message holds (a phone shared by a family may get the same words twice)."""
        held: set[str] = set()
        for _ in range(RECONCILE_LOOKUPS):
            found = await provider.find(job.outgoing, since, frozenset(held))
            if found is None or not await self._held_by_another(job, found):
                return found
            held.add(found.provider_message_id)
        return SendFailed("unknown_outcome", "too many look-alike messages", transient=True)

    async def _held_by_another(self, job: Job, found: Accepted) -> bool:
        async with self.sessions() as session:
            holder = await repository.holder_of(
                session, provider=job.provider, provider_message_id=found.provider_message_id
            )
        return holder is not None and holder != job.message_id
