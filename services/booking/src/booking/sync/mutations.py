"""One pushed mutation: what it stands for, its args checked, applied through the use cases.

The time rules judge a mutation as of its `recorded_at` (a walk-in pushed hours after it was
recorded is not "in the past"), within bounds: at most CLOCK_SKEW ahead of the server's
clock and at most MAX_DELAY behind it, else it is rejected (`recorded-at-out-of-range`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from servicekit.auth import Principal
from servicekit.problems import NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from booking.appointments import repository as appointments
from booking.appointments import service
from booking.appointments.rules import Action
from booking.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    Cancellation,
    Reschedule,
)
from booking.sync.schemas import ARGS, BookArgs, CancelArgs, Mutation, RescheduleArgs, StepArgs

Args = BookArgs | RescheduleArgs | CancelArgs | StepArgs
STEPS: dict[str, Action] = {"check_in": "check-in", "complete": "complete", "no_show": "no-show"}
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock a device's `recorded_at` may be."""
MAX_DELAY = timedelta(days=7)
"""How long a queued change may wait to be pushed (the pull's window reaches 7 days back)."""


def content_hash(mutation: Mutation) -> str:
    """What a mutation id stands for: a reused id must come with the same content."""
    content = mutation.model_dump(mode="json", include={"kind", "recorded_at", "depends_on"})
    content["args"] = mutation.args
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def creates(mutation: Mutation) -> UUID | None:
    """The appointment id a booking names, which later mutations may refer to."""
    if mutation.kind != "book":
        return None
    try:
        return UUID(str(mutation.args.get("appointment_id")))
    except ValueError:
        return None


def parse_args(mutation: Mutation) -> Args:
    """The mutation's args as its kind takes them; 422 for an unknown kind or invalid args."""
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


async def apply_mutation(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    device_id: UUID,
    mutation: Mutation,
    offer_minutes: int,
) -> dict[str, Any]:
    """Apply the mutation as its caller would online; the appointment as it answers (JSON)."""
    args = parse_args(mutation)
    _check_recorded(mutation)
    if isinstance(args, BookArgs):
        result = await _book(session, caller, clinic_id, device_id, args, mutation.recorded_at)
    else:
        row = await appointments.get(session, args.appointment_id)
        if row is None or row.clinic_id != clinic_id:
            raise NotFound(f"Clinic {clinic_id} has no appointment {args.appointment_id}.")
        result = await _change(session, caller, mutation, args, offer_minutes)
    return result.model_dump(mode="json")


async def _book(
    session: AsyncSession,
    caller: Principal,
    clinic_id: UUID,
    device_id: UUID,
    args: BookArgs,
    recorded_at: datetime,
) -> AppointmentRead:
    if await appointments.get(session, args.appointment_id) is not None:
        raise Problem(
            f"Appointment {args.appointment_id} exists already.",
            status=409,
            slug="appointment-exists",
        )
    data = AppointmentCreate(clinic_id=clinic_id, **args.model_dump(exclude={"appointment_id"}))
    offline = service.Offline(args.appointment_id, device_id, recorded_at, as_recorded=True)
    return await service.book(session, caller=caller, data=data, offline=offline)


async def _change(
    session: AsyncSession,
    caller: Principal,
    mutation: Mutation,
    args: RescheduleArgs | CancelArgs | StepArgs,
    offer_minutes: int,
) -> AppointmentRead:
    appointment_id = args.appointment_id
    if isinstance(args, RescheduleArgs):
        return await service.reschedule(
            session,
            caller=caller,
            appointment_id=appointment_id,
            data=Reschedule(**args.model_dump(exclude={"appointment_id"})),
            offer_minutes=offer_minutes,
            recorded_at=mutation.recorded_at,
        )
    if isinstance(args, CancelArgs):
        return await service.cancel(
            session,
            caller=caller,
            appointment_id=appointment_id,
            data=Cancellation(reason=args.reason),
            offer_minutes=offer_minutes,
        )
    return await service.advance(
        session,
        caller=caller,
        appointment_id=appointment_id,
        action=STEPS[mutation.kind],
        recorded_at=mutation.recorded_at,
    )
