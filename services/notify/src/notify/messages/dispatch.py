"""The dispatcher: due messages are claimed, sent, and their outcome recorded.

A round claims rows whose `next_attempt_at` has come with FOR UPDATE SKIP LOCKED, so replicas
never take the same one, and marks them `sending` with a lease (`next_attempt_at` in the
future) before any provider is called. `due_at` stays the time the message was planned for.
The provider's answer is written in one commit with the history and the event. If a process
dies mid-send, or a send times out, the row is still `sending` when its lease runs out: the
next round then asks the provider whether it has the message before anything is resent.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from servicekit.db import asyncpg_dsn, violated_constraint
from servicekit.runtime import ServiceRuntime
from servicekit.wakeup import Wakeup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.messages import repository, status
from notify.messages.models import OFFLINE_CONFLICT_CANCELLED, Message
from notify.messages.rules import Ready, Skip, compose
from notify.messages.sending import Job, Outcome, Sender, job_for
from notify.projection import repository as projection
from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict
from notify.providers import build_providers
from notify.providers.base import Provider
from notify.settings import Settings
from notify.templates import repository as templates

log = logging.getLogger(__name__)
MIN_PAUSE = 0.01  # seconds
FIRST_RETRY_SECONDS = 1.0  # after a failed round, doubled each time up to the longest pause


class Dispatcher:
    """Sends due messages through the configured providers."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        providers: Mapping[str, Provider] | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.providers = dict(providers) if providers is not None else build_providers(settings)
        self.sender = Sender(sessions, self.providers, settings.dispatch_concurrency)

    async def aclose(self) -> None:
        """Close the providers' connections."""
        await self.sender.aclose()

    async def run_once(self) -> int:
        """One round: claim up to a batch of due messages, send them, record the outcomes."""
        jobs = await self.claim()
        if jobs:
            outcomes = await asyncio.gather(*(self.sender.perform(job) for job in jobs))
            await self._record(list(zip(jobs, outcomes, strict=True)))
        return len(jobs)

    async def pause_before_next(self) -> float:
        """Seconds until the next message falls due, at most `dispatch_interval_seconds`."""
        async with self.sessions() as session:
            next_due = await repository.next_attempt_at(session)
        interval = self.settings.dispatch_interval_seconds
        if next_due is None:
            return interval
        # At least a moment: a due row another replica is claiming right now is not ours.
        return min(max((next_due - datetime.now(UTC)).total_seconds(), MIN_PAUSE), interval)

    async def drain(self) -> int:
        """Rounds until nothing is due, `dispatch_workers` at once (tests, the benchmark)."""

        async def worker() -> int:
            total = 0
            while count := await self.run_once():
                total += count
            return total

        return sum(await asyncio.gather(*(worker() for _ in range(self.settings.dispatch_workers))))

    async def claim(self) -> list[Job]:
        """Take up to a batch of due messages, skip those that may no longer go, and lease the
        others (`sending`) for their providers; committed before any provider is called."""
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.settings.provider_timeout_seconds * 2 + 30)
        public_url = self.settings.public_url
        async with self.sessions() as session, session.begin():
            due = await repository.claim_due(session, now=now, batch=self.settings.dispatch_batch)
            if not due:
                return []
            context = await _Context.load(session, due)
            jobs = []
            for message in due:
                if message.status == "sending":  # an unknown outcome: ask before resending
                    message.next_attempt_at = lease
                    jobs.append(job_for(message, public_url, reconcile=True))
                    continue
                decision = self._compose(message, context, now)
                if isinstance(decision, Skip):
                    await status.skip(session, message, decision)
                    continue
                await status.mark_sending(session, message, decision, now=now, lease=lease)
                jobs.append(job_for(message, public_url))
        return jobs

    def _compose(self, message: Message, context: _Context, now: datetime) -> Ready | Skip:
        clinic = context.clinics.get(message.clinic_id)
        name = (clinic.provider if clinic else None) or self.settings.default_provider
        provider = self.providers.get(name)
        if provider is None:
            return Skip(f"provider_not_configured:{name}", failed=True)
        return compose(
            message,
            context.subject(message),
            clinic,
            context.contacts.get(message.patient_id),
            context.wording.get(message.clinic_id, {}),
            provider=name,
            channels=frozenset(provider.channels),
            now=now,
        )

    async def _record(self, results: Sequence[tuple[Job, Outcome]]) -> None:
        async with self.sessions() as session, session.begin():
            # In id order, as every multi-row lock here is taken, so two can never deadlock.
            for job, outcome in sorted(results, key=lambda result: result[0].message_id):
                message = await repository.get_locked(session, message_id=job.message_id)
                if (
                    message is None
                    or message.status != "sending"
                    or message.attempts != job.attempt
                ):
                    continue  # someone else took it over after our lease ran out
                try:
                    async with session.begin_nested():
                        await status.record_outcome(
                            session,
                            message,
                            outcome,
                            reconciling=job.reconcile_since is not None,
                            settings=self.settings,
                        )
                except IntegrityError as exc:
                    # One message's outcome that cannot be written must not lose the batch's:
                    # this one stays `sending` and is reconciled when its lease runs out.
                    log.warning(
                        "outcome of message %s not recorded: %s",
                        job.message_id,
                        violated_constraint(exc) or type(exc).__name__,
                    )


@dataclass
class _Context:
    """Everything a round needs to word its messages, loaded in four queries (five with
    offline conflicts)."""

    # Keyed by `UUID | None`: account notices have no appointment or clinic, and find none.
    appointments: dict[uuid.UUID | None, Appointment]
    clinics: dict[uuid.UUID | None, Clinic]
    contacts: dict[uuid.UUID, Contact]
    wording: dict[uuid.UUID | None, dict[tuple[str, str], str]]
    # Cancelled offline conflicts by (appointment, the time given), when the round has any.
    conflicts: dict[tuple[uuid.UUID | None, datetime], OfflineConflict]

    def subject(self, message: Message) -> Appointment | OfflineConflict | None:
        """What the message is worded from: its appointment, or its offline conflict."""
        if message.kind == OFFLINE_CONFLICT_CANCELLED:
            return self.conflicts.get((message.appointment_id, message.nominal_at))
        return self.appointments.get(message.appointment_id)

    @classmethod
    async def load(cls, session: AsyncSession, messages: Sequence[Message]) -> _Context:
        clinic_ids = {m.clinic_id for m in messages}
        about_conflicts = {
            m.appointment_id for m in messages if m.kind == OFFLINE_CONFLICT_CANCELLED
        }
        return cls(
            await projection.appointments_by_id(session, {m.appointment_id for m in messages}),
            await projection.clinics_by_id(session, clinic_ids),
            await projection.contacts_by_user(session, {m.patient_id for m in messages}),
            await templates.wording_of(session, clinic_ids),
            # The usual round has no offline conflicts: no fifth query.
            await projection.conflicts_about(session, about_conflicts) if about_conflicts else {},
        )


async def dispatch_forever(runtime: ServiceRuntime) -> None:
    """Send due messages until the service stops, woken by NOTIFY when one is planned."""
    settings = runtime.settings
    assert isinstance(settings, Settings)
    dispatcher = Dispatcher(runtime.sessions, settings)
    dsn = asyncpg_dsn(settings.database_url.get_secret_value())
    wakeup = Wakeup(dsn, repository.DISPATCH_CHANNEL)
    listener = asyncio.create_task(wakeup.run(), name="notify-dispatch-listen")
    try:
        await keep_dispatching(dispatcher, wakeup, runtime.stopping)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await dispatcher.aclose()


async def keep_dispatching(dispatcher: Dispatcher, wakeup: Wakeup, stop: asyncio.Event) -> None:
    """Rounds in `dispatch_workers` loops until `stop`: at once again while work remains, else
    when the next message falls due or `wakeup` is notified (a message planned by any replica),
    and at least every `dispatch_interval_seconds` (all there is while LISTEN is down)."""
    settings = dispatcher.settings

    async def worker() -> None:
        retry = FIRST_RETRY_SECONDS
        while not stop.is_set():
            try:
                if await dispatcher.run_once() >= settings.dispatch_batch:
                    continue  # a backlog: no pause between rounds
                pause = await dispatcher.pause_before_next()
                retry = FIRST_RETRY_SECONDS
            except Exception as exc:  # the database may be down: retry soon, then less often
                pause, retry = retry, min(retry * 2, settings.dispatch_interval_seconds)
                broken = violated_constraint(exc)
                log.warning(
                    "dispatch round failed: %s%s",
                    type(exc).__name__,
                    f" on {broken}" if broken else "",
                )
            await wakeup.wait(pause, stop)

    await asyncio.gather(*(worker() for _ in range(settings.dispatch_workers)))
