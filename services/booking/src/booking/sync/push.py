"""The push: a device's queued changes applied in seq order, each once, with the online rules.

Each mutation runs in one transaction through the appointments use cases, as its caller,
and its outcome is stored in that same transaction: applied and recorded, or neither. A
refusal rolls back to a savepoint taken before the mutation and is stored in the same
transaction. A mutation pushed again answers its stored outcome; a time taken meanwhile
becomes a conflict in the clinic's inbox.

The time rules judge a mutation as of its `recorded_at` (a walk-in pushed hours after it was
recorded is not "in the past"), within bounds: at most CLOCK_SKEW ahead of the server's
clock and at most MAX_DELAY behind it, else it is rejected (`recorded-at-out-of-range`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from uuid import UUID

from clinic_contracts.booking import OfflineConflictRecorded
from pydantic import ValidationError
from servicekit.auth import CLINIC_ADMIN, RECEPTIONIST, Principal
from servicekit.problems import TYPE_PREFIX, Forbidden, NotFound, Problem
from servicekit.transactions import Transactions
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository as appointments
from booking.appointments import service
from booking.appointments.schemas import AppointmentCreate, Cancellation, Reschedule
from booking.db import outbox
from booking.projection.repository import get_clinic
from booking.sync import repository
from booking.sync.models import OfflineConflict, SyncMutation
from booking.sync.schemas import ARGS, BookArgs, Mutation, PushRequest
from booking.types.models import AppointmentType

CONFLICTS = {"slot-taken", "slot-unavailable"}
"""409s that mean the time was taken (or stopped being worked) meanwhile."""
STEPS = {"check_in": "check-in", "complete": "complete", "no_show": "no-show"}
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock a device's `recorded_at` may be."""
MAX_DELAY = timedelta(days=7)
"""How long a queued change may wait to be pushed (the pull's window reaches 7 days back)."""


def require_front_desk(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller is the clinic's front desk (receptionist, clinic admin; org admin)."""
    if not caller.has_role(clinic_id, RECEPTIONIST, CLINIC_ADMIN):
        raise Forbidden("Only the clinic's receptionists and admins push its devices' changes.")


def problem_body(exc: Problem) -> dict[str, Any]:
    """The problem+json body the online API would have answered."""
    body = {
        "type": f"{TYPE_PREFIX}{exc.slug}",
        "title": exc.title or HTTPStatus(exc.status).phrase,
        "status": exc.status,
        "detail": exc.detail,
    }
    return body | exc.extensions


def content_hash(mutation: Mutation) -> str:
    """What a mutation id stands for: a reused id must come with the same content."""
    content = mutation.model_dump(mode="json", include={"kind", "recorded_at", "depends_on"})
    content["args"] = mutation.args
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


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
        run.creations = await repository.failed_creations(session, device, sorted(run.failed))
        run.stored = await repository.outcomes_of(session, device, ids)

    await tx.run(known)
    outcomes = []
    for mutation in sorted(request.mutations, key=lambda m: m.seq):
        outcome = await _one(run, mutation)
        if outcome["status"] != "applied":
            run.failed.add(mutation.id)
            if (created := _creates(mutation)) is not None:
                run.creations[created] = mutation.id
        outcomes.append(outcome)
    return outcomes


def _creates(mutation: Mutation) -> UUID | None:
    if mutation.kind != "book":
        return None
    try:
        return UUID(str(mutation.args.get("appointment_id")))
    except ValueError:
        return None


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
            return await _apply(session, run, mutation, digest)
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
        await repository.store_outcome(session, _record(run, mutation, digest, outcome))
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
        "creates": _creates(mutation),
        "outcome": outcome,
    }


async def _store(
    run: Run, mutation: Mutation, digest: str, outcome: dict[str, Any]
) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        await repository.store_outcome(session, _record(run, mutation, digest, outcome))
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
    stored = await run.tx.run(lambda s: repository.outcome_of(s, device, mutation.id))
    if stored is None:
        raise error  # not a concurrent push of this mutation: the error stands
    return stored.outcome


def _args(mutation: Mutation) -> Any:
    model = ARGS.get(mutation.kind)
    if model is None:
        raise Problem(
            f"Booking applies {', '.join(ARGS)}; not {mutation.kind!r}.",
            status=422,
            slug="unknown-mutation-kind",
        )
    try:
        return model.model_validate(mutation.args)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "code": e["type"]}
            for e in exc.errors()
        ]
        raise Problem(
            "The mutation's args are not valid.", status=422, slug="validation-error", errors=errors
        ) from None


def _check_recorded(mutation: Mutation) -> None:
    now = datetime.now(UTC)
    if not now - MAX_DELAY <= mutation.recorded_at <= now + CLOCK_SKEW:
        raise Problem(
            f"recorded_at must lie within {MAX_DELAY.days} days before the server's clock "
            f"and {CLOCK_SKEW.seconds // 60} minutes after it; check the device's clock.",
            status=422,
            slug="recorded-at-out-of-range",
        )


async def _apply(
    session: AsyncSession, run: Run, mutation: Mutation, digest: str
) -> dict[str, Any]:
    args = _args(mutation)
    _check_recorded(mutation)
    caller, clinic_id = run.caller, run.request.clinic_id
    recorded_at = mutation.recorded_at
    if isinstance(args, BookArgs):
        if await appointments.get(session, args.appointment_id) is not None:
            raise Problem(
                f"Appointment {args.appointment_id} exists already.",
                status=409,
                slug="appointment-exists",
            )
        data = AppointmentCreate(clinic_id=clinic_id, **args.model_dump(exclude={"appointment_id"}))
        offline = service.Offline(
            args.appointment_id, run.request.device_id, recorded_at, as_recorded=True
        )
        result = await service.book(session, caller=caller, data=data, offline=offline)
    else:
        row = await appointments.get(session, args.appointment_id)
        if row is None or row.clinic_id != clinic_id:
            raise NotFound(f"Clinic {clinic_id} has no appointment {args.appointment_id}.")
        if mutation.kind == "reschedule":
            result = await service.reschedule(
                session,
                caller=caller,
                appointment_id=args.appointment_id,
                data=Reschedule(**args.model_dump(exclude={"appointment_id"})),
                offer_minutes=run.offer_minutes,
                recorded_at=recorded_at,
            )
        elif mutation.kind == "cancel":
            result = await service.cancel(
                session,
                caller=caller,
                appointment_id=args.appointment_id,
                data=Cancellation(reason=args.reason),
                offer_minutes=run.offer_minutes,
            )
        else:
            result = await service.advance(
                session,
                caller=caller,
                appointment_id=args.appointment_id,
                action=STEPS[mutation.kind],  # type: ignore[arg-type]
                recorded_at=recorded_at,
            )
    outcome = _head(mutation, "applied") | {"result": result.model_dump(mode="json")}
    await repository.store_outcome(session, _record(run, mutation, digest, outcome))
    return outcome


async def _conflict(
    session: AsyncSession, run: Run, mutation: Mutation, digest: str, refused: Problem
) -> dict[str, Any]:
    """Keep the clash in the clinic's inbox and tell whoever listens."""
    args = _args(mutation)
    clinic = await get_clinic(session, run.request.clinic_id)
    if isinstance(args, BookArgs):
        patient_id, type_id, provider_id = args.patient_id, args.type_id, args.provider_id
        room_id, walk_in, note = args.room_id, args.walk_in, args.note
    else:
        row = await appointments.get(session, args.appointment_id)
        assert row is not None
        assert row.patient_id is not None
        patient_id, type_id = row.patient_id, row.type_id
        provider_id, room_id, walk_in, note = (
            args.provider_id or row.provider_id,
            args.room_id,
            row.walk_in,
            row.note,
        )
    kind = await session.get(AppointmentType, type_id)
    assert kind is not None
    problem = problem_body(refused)
    alternatives = list(problem.get("alternatives", []))
    conflict = OfflineConflict(
        id=uuid.uuid4(),
        clinic_id=clinic.id,
        device_id=run.request.device_id,
        mutation_id=mutation.id,
        kind=mutation.kind,
        appointment_id=args.appointment_id,
        patient_id=patient_id,
        type_id=type_id,
        provider_id=provider_id,
        room_id=room_id,
        walk_in=walk_in,
        note=note,
        starts_at=args.starts_at,
        ends_at=args.starts_at + timedelta(minutes=kind.duration_minutes),
        recorded_at=mutation.recorded_at,
        problem=problem,
        alternatives=alternatives,
    )
    session.add(conflict)
    await session.flush()
    await repository.add_to_directory(session, clinic.id, patient_id)
    await outbox.stage(
        session,
        OfflineConflictRecorded(
            conflict_id=conflict.id,
            clinic_id=clinic.id,
            device_id=conflict.device_id,
            patient_id=patient_id,
            type_id=type_id,
            type_name=kind.name,
            kind=conflict.kind,
            appointment_id=conflict.appointment_id,
            starts_at=conflict.starts_at,
            ends_at=conflict.ends_at,
            time_zone=clinic.time_zone,
            recorded_at=conflict.recorded_at,
        ),
    )
    outcome = _head(mutation, "conflict") | {
        "conflict_id": str(conflict.id),
        "problem": problem,
        "alternatives": alternatives,
    }
    await repository.store_outcome(session, _record(run, mutation, digest, outcome))
    return outcome
