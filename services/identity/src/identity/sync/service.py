"""Applying a device's register_patient mutations: each in its own transaction, once.

A mutation's outcome is stored with it by (device, mutation id) in the transaction that
applies it, so a batch pushed again answers the same and changes nothing; an id that comes
back with other content is rejected. A blocked mutation did nothing and is not kept: should
what it waits for be applied later, pushing it again applies it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import partial
from http import HTTPStatus
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from servicekit.auth import Principal
from servicekit.problems import TYPE_PREFIX, Problem
from servicekit.transactions import Transactions
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.auth import registration
from identity.clinics import repository as clinics
from identity.sync import repository
from identity.sync.schemas import (
    MAX_MUTATIONS,
    IdentityPush,
    MutationOutcome,
    PushedMutation,
    PushOutcomes,
    RegisterPatientArgs,
)


class TooManyMutations(Problem):
    status, slug = 413, "payload-too-large"


async def push(
    *, tx: Transactions, actor: Principal, batch: IdentityPush, client: str
) -> PushOutcomes:
    """Apply the run in order; 403 for the whole batch unless the caller is front desk staff
    of the clinic or an org admin."""
    if len(batch.mutations) > MAX_MUTATIONS:
        raise TooManyMutations(f"At most {MAX_MUTATIONS} mutations per push.", limit=MAX_MUTATIONS)
    access.require_front_desk(actor, batch.clinic_id)
    await tx.run(lambda session: _require_clinic(session, batch.clinic_id))
    failed = set(batch.failed)
    outcomes = []
    for mutation in sorted(batch.mutations, key=lambda m: m.seq):
        outcome = await tx.run(partial(_apply_once, actor, batch, mutation, failed, client))
        if outcome.status != "applied":
            failed.add(mutation.id)
        outcomes.append(outcome)
    return PushOutcomes(outcomes=outcomes)


async def _require_clinic(session: AsyncSession, clinic_id: UUID) -> None:
    if await clinics.get(session, clinic_id) is None:
        raise Problem(f"No clinic has id {clinic_id}.", status=422, slug="unknown-clinic")


async def _apply_once(
    actor: Principal,
    batch: IdentityPush,
    mutation: PushedMutation,
    failed: set[UUID],
    client: str,
    session: AsyncSession,
) -> MutationOutcome:
    device, digest = batch.device_id, content_hash(mutation)
    row = await repository.stored(session, device, mutation.id)
    if row is None:
        blocker = _blocker(mutation.depends_on, failed)
        if blocker is not None:
            return MutationOutcome(
                id=mutation.id, seq=mutation.seq, status="blocked", blocked_by=blocker
            )
        if await repository.claim(session, device, mutation.id, batch.clinic_id, digest):
            outcome = await _apply(session, actor, batch, mutation, client)
            await repository.keep_outcome(
                session, device, mutation.id, outcome.model_dump(mode="json", exclude_none=True)
            )
            return outcome
        row = await repository.refetch(session, device, mutation.id)
    if row.content_hash != digest or row.outcome is None:
        return _rejected(
            mutation,
            Problem(
                "This mutation id was already pushed with other content.",
                status=422,
                slug="sync-mutation-reused",
            ),
        )
    return MutationOutcome.model_validate({**row.outcome, "seq": mutation.seq})


async def _apply(
    session: AsyncSession,
    actor: Principal,
    batch: IdentityPush,
    mutation: PushedMutation,
    client: str,
) -> MutationOutcome:
    try:
        args = RegisterPatientArgs.model_validate(mutation.args)
    except ValidationError as invalid:
        return _rejected(mutation, _invalid_args(invalid))
    details = {
        "origin": "offline",
        "device_id": str(batch.device_id),
        "mutation_id": str(mutation.id),
        "recorded_at": mutation.recorded_at.isoformat(),
    }
    try:
        # A savepoint: a refusal undoes the registration's writes, not the claim.
        async with session.begin_nested():
            user, matched = await registration.register_by_staff(
                session=session,
                data=args,
                patient_id=args.patient_id,
                actor_id=actor.user_id,
                clinic_id=batch.clinic_id,
                client=client,
                details=details,
            )
    except Problem as refused:
        return _rejected(mutation, refused)
    result = {
        "patient_id": str(user.id),
        "full_name": user.full_name,
        "phone": user.phone,
        "matched": matched,
    }
    return MutationOutcome(id=mutation.id, seq=mutation.seq, status="applied", result=result)


def content_hash(mutation: PushedMutation) -> str:
    """sha256 of what the mutation asks for; its seq may change between pushes, not this."""
    content = {
        "kind": mutation.kind,
        "args": mutation.args,
        "depends_on": sorted(str(d) for d in mutation.depends_on),
        "recorded_at": mutation.recorded_at.isoformat(),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _blocker(depends_on: Iterable[UUID], failed: set[UUID]) -> UUID | None:
    return next((d for d in depends_on if d in failed), None)


def _rejected(mutation: PushedMutation, problem: Problem) -> MutationOutcome:
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{problem.slug}",
        "title": problem.title or HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        **problem.extensions,
    }
    return MutationOutcome(id=mutation.id, seq=mutation.seq, status="rejected", problem=body)


def _invalid_args(invalid: ValidationError) -> Problem:
    # Only where and why: echoing the input back would copy personal data into the outcome.
    errors = [
        {"field": ".".join(["args", *map(str, e["loc"])]), "message": e["msg"], "code": e["type"]}
        for e in invalid.errors()
    ]
    return Problem(
        "The mutation's arguments are not valid.",
        status=422,
        slug="validation-error",
        errors=errors,
    )
