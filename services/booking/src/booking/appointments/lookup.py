"""The clinic and the appointment type a hold or booking names, read in one round trip."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from booking.driver_sql import fetch_one
from booking.projection.models import Clinic
from booking.types.models import AppointmentType

_CLINIC = [column.name for column in Clinic.__table__.columns]
_TYPE = [column.name for column in AppointmentType.__table__.columns]
_COLUMNS = ", ".join([*(f"c.{name}" for name in _CLINIC), *(f"t.{name}" for name in _TYPE)])
# One row whatever exists: the clinic's columns, then the type's, NULL where it is missing.
# The names are the mapped tables' own, nothing from a request.
_CLINIC_AND_TYPE = (
    f"SELECT {_COLUMNS} FROM (SELECT) AS one"  # noqa: S608
    " LEFT JOIN booking.clinics AS c ON c.id = $1"
    " LEFT JOIN booking.appointment_types AS t ON t.id = $2"
)


async def clinic_and_type(
    session: AsyncSession, clinic_id: UUID, type_id: UUID
) -> tuple[Clinic | None, AppointmentType | None]:
    """The clinic and the type (not attached to the session), each None when unknown."""
    row = await fetch_one(session, _CLINIC_AND_TYPE, clinic_id, type_id)
    assert row is not None
    values = tuple(row)
    clinic = dict(zip(_CLINIC, values[: len(_CLINIC)], strict=True))
    kind = dict(zip(_TYPE, values[len(_CLINIC) :], strict=True))
    return (
        Clinic(**clinic) if clinic["id"] is not None else None,
        AppointmentType(**kind) if kind["id"] is not None else None,
    )
