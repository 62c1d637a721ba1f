"""Clinic routes."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from servicekit.auth import CurrentUser, OrgAdmin
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from identity.clinics import service
from identity.clinics.schemas import ClinicCreate, ClinicRead, ClinicUpdate
from identity.deps import ClientAddress

router = APIRouter(prefix="/v1/clinics", tags=["clinics"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClinicRead)
async def create_clinic(
    data: ClinicCreate,
    session: SessionDep,
    caller: OrgAdmin,
    client: ClientAddress,
    response: Response,
) -> ClinicRead:
    """Create a clinic (organisation admins)."""
    clinic = await service.create_clinic(session=session, actor=caller, data=data, client=client)
    response.headers["Location"] = f"{router.prefix}/{clinic.id}"
    return clinic


@router.get("", response_model=Page[ClinicRead])
async def list_clinics(
    session: SessionDep,
    _: CurrentUser,
    name: Annotated[str | None, Query(max_length=100, description="Name contains")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ClinicRead]:
    """Clinics of the network by name (any signed-in user)."""
    return await service.list_clinics(
        session=session, name_contains=name, cursor=cursor, limit=limit
    )


@router.get("/{clinic_id}", response_model=ClinicRead)
async def get_clinic(clinic_id: UUID, session: SessionDep, _: CurrentUser) -> ClinicRead:
    """One clinic (any signed-in user)."""
    return await service.get_clinic(session=session, clinic_id=clinic_id)


@router.patch("/{clinic_id}", response_model=ClinicRead)
async def update_clinic(
    clinic_id: UUID,
    data: ClinicUpdate,
    session: SessionDep,
    caller: CurrentUser,
    client: ClientAddress,
) -> ClinicRead:
    """Change a clinic's details, hours or booking policy (org admins, its clinic admins)."""
    return await service.update_clinic(
        session=session, actor=caller, clinic_id=clinic_id, data=data, client=client
    )
