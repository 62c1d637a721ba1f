"""The push: a device's queued changes applied in seq order, each once, with the online rules.

Each mutation runs in one transaction through the appointments use cases, as its caller,
and its outcome is stored in that same transaction: applied and recorded, or neither. A
refusal rolls back to a savepoint taken before the mutation and is stored in the same
transaction. A mutation pushed again answers its stored outcome; a time taken meanwhile
becomes a conflict in the clinic's inbox. How one mutation is judged: booking.sync.mutations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from uuid import UUID

from servicekit.auth import Principal
from servicekit.problems import TYPE_PREFIX, Problem
from servicekit.transactions import Transactions
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.access import require_front_desk
from booking.sync import repository
from booking.sync.conflicts import open_conflict
from booking.sync.models import SyncMutation
from booking.sync.mutations import apply_mutation, content_hash, creates
from booking.sync.schemas import Mutation, PushRequest

CONFLICTS = {"slot-taken", "slot-unavailable"}
"""409s that mean the time was taken (or stopped being worked) meanwhile."""


def problem_body(exc: Problem) -> dict[str, Any]:
    """The problem+json body the online API would have answered."""
    body = {
        "type": f"{TYPE_PREFIX}{exc.slug}",
        "title": exc.title or HTTPStatus(exc.status).phrase,
        "status": exc.status,
        "detail": exc.detail,
    }
    return body | exc.extensions


@dataclass
class Run:
    """One push: who, from which device, and what did not apply so far."""

    tx: Transactions
    caller: Principal
    request: PushRequest
    offer_minutes: int
    failed: set[UUID] = field(default_factory=set)
    creations: dict[UUID, UUID] = field(default_factory=dict)
    """Ids that failed mutations were to create -> the mutation."""
    stored: dict[UUID, SyncMutation] = field(default_factory=dict)
    """Outcomes of the run's mutations pushed before (read once for the run)."""


async def push(
    tx: Transactions, *, caller: Principal, request: PushRequest, offer_minutes: int
) -> list[dict[str, Any]]:
    """Apply the run's mutations in seq order; one outcome each."""
    require_front_desk(caller, request.clinic_id)
    run = Run(tx, caller, request, offer_minutes, failed=set(request.failed))
    ids = [m.id for m in request.mutations]

    async def known(session: AsyncSession) -> None:
        device = request.device_id
        run.creations = await repository.failed_creations(
            session, device_id=device, mutation_ids=sorted(run.failed)
        )
        run.stored = await repository.outcomes_of(session, device_id=device, mutation_ids=ids)

    await tx.run(known)
    outcomes = []
    for mutation in sorted(request.mutations, key=lambda m: m.seq):
        outcome = await _one(run, mutation)
        if outcome["status"] != "applied":
            run.failed.add(mutation.id)
            if (created := creates(mutation)) is not None:
                run.creations[created] = mutation.id
        outcomes.append(outcome)
    return outcomes


def _blocker(run: Run, mutation: Mutation) -> UUID | None:
    for needed in mutation.depends_on:
        if needed in run.failed:
            return needed
    for name in ("patient_id", "appointment_id"):
        try:
            named = UUID(str(mutation.args.get(name)))
        except ValueError:
            continue
        if named in run.creations and run.creations[named] != mutation.id:
            return run.creations[named]
    return None


async def _one(run: Run, mutation: Mutation) -> dict[str, Any]:
    digest = content_hash(mutation)
    stored = run.stored.get(mutation.id)
    if stored is not None:
        if stored.content_hash == digest:
            return stored.outcome
        reused = Problem(
            "This mutation id was pushed before with other content.",
            status=409,
            slug="sync-mutation-reused",
        )
        return _head(mutation, "rejected") | {"problem": problem_body(reused)}
    blocker = _blocker(run, mutation)
    if blocker is not None:
        return await _store(
            run, mutation, digest, _head(mutation, "blocked") | {"blocked_by": str(blocker)}
        )
    try:
        return await run.tx.run(lambda s: _settle(s, run, mutation, digest))
    except IntegrityError as error:
        return await _replayed(run, mutation, error)


async def _settle(
    session: AsyncSession, run: Run, mutation: Mutation, digest: str
) -> dict[str, Any]:
    """Apply the mutation, or keep why not: a refusal undoes its writes to the savepoint."""
    try:
        async with session.begin_nested():
            result = await apply_mutation(
                session,
                caller=run.caller,
                clinic_id=run.request.clinic_id,
                device_id=run.request.device_id,
                mutation=mutation,
                offer_minutes=run.offer_minutes,
            )
            outcome = _head(mutation, "applied") | {"result": result}
            await repository.store_outcome(session, values=_record(run, mutation, digest, outcome))
            return outcome
    except Problem as refused:
        if refused.status >= 500:
            raise  # the service, not the mutation: the device pushes again later
        if (
            refused.status == 409
            and refused.slug in CONFLICTS
            and mutation.kind in ("book", "reschedule")
        ):
            return await _conflict(session, run, mutation, digest, refused)
        outcome = _head(mutation, "rejected") | {"problem": problem_body(refused)}
        await repository.store_outcome(session, values=_record(run, mutation, digest, outcome))
        return outcome


def _head(mutation: Mutation, status: str) -> dict[str, Any]:
    return {"id": str(mutation.id), "seq": mutation.seq, "status": status}


def _record(run: Run, mutation: Mutation, digest: str, outcome: dict[str, Any]) -> dict[str, Any]:
    return {
        "device_id": run.request.device_id,
        "mutation_id": mutation.id,
        "clinic_id": run.request.clinic_id,
        "user_id": run.caller.user_id,
        "seq": mutation.seq,
        "kind": mutation.kind,
        "recorded_at": mutation.recorded_at,
        "content_hash": digest,
        "status": outcome["status"],
        "creates": creates(mutation),
        "outcome": outcome,
    }


async def _store(
    run: Run, mutation: Mutation, digest: str, outcome: dict[str, Any]
) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        await repository.store_outcome(session, values=_record(run, mutation, digest, outcome))
        return outcome

    return await _stored_or(run, mutation, work)


async def _stored_or(
    run: Run, mutation: Mutation, work: Callable[[AsyncSession], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """`work`, unless a concurrent push of the same mutation stored its outcome first."""
    try:
        return await run.tx.run(work)
    except IntegrityError as error:
        return await _replayed(run, mutation, error)


async def _replayed(run: Run, mutation: Mutation, error: IntegrityError) -> dict[str, Any]:
    device = run.request.device_id
    stored = await run.tx.run(
        lambda s: repository.outcome_of(s, device_id=device, mutation_id=mutation.id)
    )
    if stored is None:
        raise error  # not a concurrent push of this mutation: the error stands
    return stored.outcome


async def _conflict(
    session: AsyncSession, run: Run, mutation: Mutation, digest: str, refused: Problem
) -> dict[str, Any]:
    """Keep the clash in the clinic's inbox; its outcome points there."""
    problem = problem_body(refused)
    conflict = await open_conflict(
        session,
        clinic_id=run.request.clinic_id,
        device_id=run.request.device_id,
        mutation=mutation,
        problem=problem,
    )
    outcome = _head(mutation, "conflict") | {
        "conflict_id": str(conflict.id),
        "problem": problem,
        "alternatives": conflict.alternatives,
    }
    await repository.store_outcome(session, values=_record(run, mutation, digest, outcome))
    return outcome
