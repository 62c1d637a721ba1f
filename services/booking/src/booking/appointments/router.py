"""Appointment and slot-hold routes: thin, each calls one service function.

Writes run with RetryingTransactions: taking a time under the exclusion constraints can meet
a deadlock, after which the whole request (its Idempotency-Key claim included) runs again in a
fresh transaction and still ends as 201 or 409.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep
from servicekit.transactions import RetryingTransactions

from booking.appointments import holds as hold_service
from booking.appointments import queries, service
from booking.appointments.rules import Action
from booking.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    Cancellation,
    HoldCreate,
    Reschedule,
)
from booking.db import Idempotent
from booking.deps import BookingSettings

router = APIRouter(prefix="/v1/appointments", tags=["appointments"])
holds = APIRouter(prefix="/v1/slot-holds", tags=["slot holds"])

Status = Literal[
    "pending",
    "booked",
    "arrived",
    "checked-in",
    "fulfilled",
    "cancelled",
    "noshow",
    "entered-in-error",
]


@holds.post("", status_code=status.HTTP_201_CREATED, response_model=AppointmentRead)
async def hold_slot(
    data: HoldCreate,
    tx: RetryingTransactions,
    caller: CurrentUser,
    once: Idempotent,
    settings: BookingSettings,
) -> JSONResponse:
    """Keep a slot for BOOKING_HOLD_MINUTES while the patient's details are filled in."""
    return await tx.once(
        once,
        caller,
        lambda session: hold_service.hold(
            session, caller=caller, data=data, minutes=settings.hold_minutes
        ),
        location=lambda r: f"{holds.prefix}/{r.id}",
        at_once=lambda session: hold_service.hold_at_once(
            session, caller=caller, data=data, minutes=settings.hold_minutes
        ),
    )


@holds.get("/{hold_id}", response_model=AppointmentRead)
async def get_hold(hold_id: UUID, session: SessionDep, caller: CurrentUser) -> AppointmentRead:
    """A hold (status `pending`), to its holder or the clinic's staff."""
    return await hold_service.get_hold(session, caller=caller, hold_id=hold_id)


@holds.delete("/{hold_id}", status_code=status.HTTP_204_NO_CONTENT)
async def release_hold(hold_id: UUID, tx: RetryingTransactions, caller: CurrentUser) -> Response:
    """Give the slot back before the hold lapses."""
    await tx.run(lambda session: hold_service.release_hold(session, caller=caller, hold_id=hold_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AppointmentRead)
async def book(
    data: AppointmentCreate, tx: RetryingTransactions, caller: CurrentUser, once: Idempotent
) -> JSONResponse:
    """Book a slot (or confirm a hold); 409 names the clash and offers the nearest free starts."""
    return await tx.once(
        once,
        caller,
        lambda session: service.book(session, caller=caller, data=data),
        location=lambda r: f"{router.prefix}/{r.id}",
        # Most bookings are one insert: without a transaction they save two round trips.
        # Confirming a hold changes the hold's row and always takes the transaction.
        at_once=None
        if data.hold_id
        else lambda session: service.book_at_once(session, caller=caller, data=data),
    )


@router.get("", response_model=Page[AppointmentRead])
async def list_appointments(
    session: SessionDep,
    caller: CurrentUser,
    clinic_id: UUID | None = None,
    provider_id: UUID | None = None,
    patient_id: UUID | None = None,
    status_in: Annotated[list[Status] | None, Query(alias="status")] = None,
    needs_reschedule: bool | None = None,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AppointmentRead]:
    """Appointments by start time: patients see their own, staff their clinics'.

    Filtering by a clinic the caller does not work at, or (patients) by another patient, is
    403; a patient naming a clinic gets their own appointments there.
    """
    return await queries.list_appointments(
        session,
        caller=caller,
        clinic_id=clinic_id,
        provider_id=provider_id,
        patient_id=patient_id,
        statuses=status_in or [],
        needs_reschedule=needs_reschedule,
        start=start,
        end=end,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{appointment_id}", response_model=AppointmentRead)
async def get_appointment(
    appointment_id: UUID, session: SessionDep, caller: CurrentUser
) -> AppointmentRead:
    """One appointment (404 for anyone who may not see it)."""
    return await queries.get(session, caller=caller, appointment_id=appointment_id)


@router.post("/{appointment_id}/reschedule", response_model=AppointmentRead)
async def reschedule(
    appointment_id: UUID,
    data: Reschedule,
    tx: RetryingTransactions,
    caller: CurrentUser,
    once: Idempotent,
    settings: BookingSettings,
) -> JSONResponse:
    """Move to a new time in one step: the new slot is taken and the old freed, or neither."""
    return await tx.once(
        once,
        caller,
        lambda session: service.reschedule(
            session,
            caller=caller,
            appointment_id=appointment_id,
            data=data,
            offer_minutes=settings.waitlist_offer_minutes,
        ),
    )


@router.post("/{appointment_id}/cancel", response_model=AppointmentRead)
async def cancel(
    appointment_id: UUID,
    tx: RetryingTransactions,
    caller: CurrentUser,
    once: Idempotent,
    settings: BookingSettings,
    data: Cancellation | None = None,
) -> JSONResponse:
    """Cancel; patients until the clinic's cutoff. The slot is offered to the waitlist."""
    return await tx.once(
        once,
        caller,
        lambda session: service.cancel(
            session,
            caller=caller,
            appointment_id=appointment_id,
            data=data or Cancellation(),
            offer_minutes=settings.waitlist_offer_minutes,
        ),
    )


def _step(action: Action, summary: str) -> None:
    async def advance(
        appointment_id: UUID, tx: RetryingTransactions, caller: CurrentUser, once: Idempotent
    ) -> JSONResponse:
        return await tx.once(
            once,
            caller,
            lambda session: service.advance(
                session, caller=caller, appointment_id=appointment_id, action=action
            ),
        )

    router.add_api_route(
        f"/{{appointment_id}}/{action}",
        advance,
        methods=["POST"],
        response_model=AppointmentRead,
        summary=summary,
        name=action.replace("-", "_"),
    )


_step("check-in", "The patient arrived and checked in (staff).")
_step("complete", "The visit took place: FHIR `fulfilled` (staff).")
_step("no-show", "The patient did not come, once the visit was due (staff).")
