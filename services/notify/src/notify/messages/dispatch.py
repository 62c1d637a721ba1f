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
import contextlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from servicekit.db import violated_constraint
from servicekit.runtime import ServiceRuntime
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.messages.compose import Ready, Skip, compose
from notify.messages.fallback import fall_back_to_sms
from notify.messages.history import mark_delivered, mark_failed, mark_sent, mark_skipped, note
from notify.messages.models import OFFLINE_CONFLICT_CANCELLED, PENDING, Message
from notify.projection.models import Appointment, Clinic, Contact, OfflineConflict
from notify.providers import build_providers
from notify.providers.base import Accepted, Outgoing, Provider, SendFailed
from notify.settings import Settings
from notify.templates.models import Template

log = logging.getLogger(__name__)
MIN_PAUSE = 0.01  # seconds
RECONCILE_LOOKUPS = 5  # then the provider is asked again at the next lease


# Written into the SQL rather than sent as parameters, so that even a cached generic plan of
# the prepared statement can use the partial index on pending rows (bench/notify_claim_plan.py).
_PENDING = Message.status.in_(bindparam("pending", PENDING, expanding=True, literal_execute=True))


def claim_query(now: datetime, batch: int) -> Select[Message]:
    """The rows a round takes: those whose next attempt has come, the longest waiting first."""
    return (
        select(Message)
        .where(_PENDING, Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def next_attempt_query() -> Select[datetime]:
    """When the dispatcher has something to do next."""
    return select(func.min(Message.next_attempt_at)).where(_PENDING)


@dataclass(frozen=True)
class _Job:
    message_id: uuid.UUID
    attempt: int
    provider: str
    outgoing: Outgoing
    reconcile_since: datetime | None = None  # set: ask the provider, do not send


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
        self._gate = asyncio.Semaphore(settings.dispatch_concurrency)

    async def aclose(self) -> None:
        """Close the providers' connections."""
        for provider in self.providers.values():
            if (close := getattr(provider, "aclose", None)) is not None:
                await close()

    async def run_once(self) -> int:
        """One round: claim up to a batch of due messages, send them, record the outcomes."""
        jobs = await self._claim()
        if jobs:
            outcomes = await asyncio.gather(*(self._perform(job) for job in jobs))
            await self._record(list(zip(jobs, outcomes, strict=True)))
        return len(jobs)

    async def pause_before_next(self) -> float:
        """Seconds until the next message falls due, at most `dispatch_interval_seconds`."""
        async with self.sessions() as session:
            next_due = await session.scalar(next_attempt_query())
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

    async def _claim(self) -> list[_Job]:
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.settings.provider_timeout_seconds * 2 + 30)
        async with self.sessions() as session, session.begin():
            due = (await session.scalars(claim_query(now, self.settings.dispatch_batch))).all()
            if not due:
                return []
            context = await _Context.load(session, due)
            jobs = []
            for message in due:
                if message.status == "sending":  # an unknown outcome: ask before resending
                    message.next_attempt_at = lease
                    jobs.append(self._job(message, reconcile=True))
                    continue
                decision = self._compose(message, context, now)
                if isinstance(decision, Skip):
                    await _skip(session, message, decision)
                    continue
                message.status, message.attempts = "sending", message.attempts + 1
                message.channel, message.provider = decision.channel, decision.provider
                message.to_phone, message.body = decision.to, decision.body
                message.attempted_at, message.next_attempt_at, message.updated_at = now, lease, now
                await note(session, message, "sending")
                jobs.append(self._job(message))
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

    def _job(self, message: Message, *, reconcile: bool = False) -> _Job:
        callback = None
        if self.settings.public_url and message.provider == "twilio":
            base = self.settings.public_url.rstrip("/")
            callback = f"{base}/v1/webhooks/twilio/status?message_id={message.id}"
        outgoing = Outgoing(
            message_id=message.id,
            to=message.to_phone or "",
            body=message.body or "",
            channel="whatsapp" if message.channel == "whatsapp" else "sms",
            status_callback=callback,
        )
        since = (message.attempted_at or message.created_at) - timedelta(minutes=1)
        return _Job(
            message.id,
            message.attempts,
            message.provider or "",
            outgoing,
            reconcile_since=since if reconcile else None,
        )

    async def _perform(self, job: _Job) -> Accepted | SendFailed | None:
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

    async def _reconcile(
        self, provider: Provider, job: _Job, since: datetime
    ) -> Accepted | SendFailed | None:
        """The provider's record of the job's message: the newest with its words and phone
        that no other message holds (a phone shared by a family may get the same words twice)."""
        held: set[str] = set()
        for _ in range(RECONCILE_LOOKUPS):
            found = await provider.find(job.outgoing, since, frozenset(held))
            if found is None or not await self._held_by_another(job, found):
                return found
            held.add(found.provider_message_id)
        return SendFailed("unknown_outcome", "too many look-alike messages", transient=True)

    async def _held_by_another(self, job: _Job, found: Accepted) -> bool:
        async with self.sessions() as session:
            holder = await session.scalar(
                select(Message.id).where(
                    Message.provider == job.provider,
                    Message.provider_message_id == found.provider_message_id,
                )
            )
        return holder is not None and holder != job.message_id

    async def _record(self, results: Sequence[tuple[_Job, Accepted | SendFailed | None]]) -> None:
        async with self.sessions() as session, session.begin():
            # In id order, as every multi-row lock here is taken, so two can never deadlock.
            for job, outcome in sorted(results, key=lambda result: result[0].message_id):
                message = await session.get(Message, job.message_id, with_for_update=True)
                if (
                    message is None
                    or message.status != "sending"
                    or message.attempts != job.attempt
                ):
                    continue  # someone else took it over after our lease ran out
                try:
                    async with session.begin_nested():
                        await self._apply(session, message, job, outcome)
                except IntegrityError as exc:
                    # One message's outcome that cannot be written must not lose the batch's:
                    # this one stays `sending` and is reconciled when its lease runs out.
                    log.warning(
                        "outcome of message %s not recorded: %s",
                        job.message_id,
                        violated_constraint(exc) or type(exc).__name__,
                    )

    async def _apply(
        self,
        session: AsyncSession,
        message: Message,
        job: _Job,
        outcome: Accepted | SendFailed | None,
    ) -> None:
        now = datetime.now(UTC)
        if isinstance(outcome, Accepted):
            await mark_sent(session, message, outcome.provider_message_id)
            if outcome.status == "delivered":
                await mark_delivered(session, message)
        elif outcome is None:  # reconciled: the provider never got it, so it may go again
            await note(session, message, "not_at_provider")
            message.status, message.next_attempt_at = "scheduled", now
        elif outcome.ambiguous:
            await note(session, message, "unknown", error_code=outcome.code, detail=outcome.detail)
            wait = timedelta(seconds=self.settings.provider_timeout_seconds)
            message.next_attempt_at = now + wait
        elif job.reconcile_since is not None and outcome.transient:
            message.next_attempt_at = now + self._backoff(message.attempts)
        elif outcome.transient and message.attempts < self.settings.max_attempts:
            await note(session, message, "retrying", error_code=outcome.code, detail=outcome.detail)
            message.status = "scheduled"
            message.next_attempt_at = now + self._backoff(message.attempts)
            message.error_code, message.error_detail = outcome.code, outcome.detail[:500]
        elif not await fall_back_to_sms(session, message, outcome.code, outcome.detail):
            await mark_failed(session, message, outcome.code, outcome.detail)

    def _backoff(self, attempts: int) -> timedelta:
        seconds = self.settings.retry_base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, 3600))


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
        appointment_ids = {m.appointment_id for m in messages}
        clinic_ids = {m.clinic_id for m in messages}
        patient_ids = {m.patient_id for m in messages}
        appointments = await session.scalars(
            select(Appointment).where(Appointment.id.in_(appointment_ids))
        )
        clinics = await session.scalars(select(Clinic).where(Clinic.id.in_(clinic_ids)))
        contacts = await session.scalars(select(Contact).where(Contact.user_id.in_(patient_ids)))
        templates = await session.scalars(
            select(Template).where(Template.clinic_id.in_(clinic_ids))
        )
        wording: dict[uuid.UUID | None, dict[tuple[str, str], str]] = {}
        for template in templates:
            wording.setdefault(template.clinic_id, {})[(template.kind, template.language)] = (
                template.body
            )
        return cls(
            {a.id: a for a in appointments},
            {c.id: c for c in clinics},
            {c.user_id: c for c in contacts},
            wording,
            await _conflicts(session, messages),
        )


async def _conflicts(
    session: AsyncSession, messages: Sequence[Message]
) -> dict[tuple[uuid.UUID | None, datetime], OfflineConflict]:
    about = {m.appointment_id for m in messages if m.kind == OFFLINE_CONFLICT_CANCELLED}
    if not about:
        return {}  # the usual round: no fifth query
    found = await session.scalars(
        select(OfflineConflict).where(OfflineConflict.appointment_id.in_(about))
    )
    return {(c.appointment_id, c.starts_at): c for c in found}


async def _skip(session: AsyncSession, message: Message, decision: Skip) -> None:
    if decision.failed:
        await mark_failed(session, message, decision.reason, _REASONS.get(decision.reason, ""))
    else:
        await mark_skipped(session, message, decision.reason)


_REASONS = {
    "no_phone": "The patient has no phone number.",
    "opted_out": "The patient opted out of messages.",
    "no_consent": "The patient consented to no channel this clinic's provider carries.",
    "reminders_off": "The patient turned reminders off.",
    "unknown_patient": "The patient is unknown to notify or deactivated.",
    "unknown_clinic": "The clinic is unknown to notify.",
}


async def dispatch_forever(runtime: ServiceRuntime) -> None:
    """Run rounds every `dispatch_interval_seconds` (at once again while work remains)."""
    settings = runtime.settings
    assert isinstance(settings, Settings)
    dispatcher = Dispatcher(runtime.sessions, settings)

    async def worker() -> None:
        while not runtime.stopping.is_set():
            pause = settings.dispatch_interval_seconds
            try:
                if await dispatcher.run_once() >= settings.dispatch_batch:
                    continue  # a backlog: no pause between rounds
                pause = await dispatcher.pause_before_next()  # wake when the next one is due
            except Exception as exc:  # the database may be down; the next round retries
                broken = violated_constraint(exc)
                log.warning(
                    "dispatch round failed: %s%s",
                    type(exc).__name__,
                    f" on {broken}" if broken else "",
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(runtime.stopping.wait(), pause)

    try:
        await asyncio.gather(*(worker() for _ in range(settings.dispatch_workers)))
    finally:
        await dispatcher.aclose()
