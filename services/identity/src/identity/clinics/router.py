"""Clinic routes."""

from uuid import UUID

from fastapi import APIRouter, Response, status
from servicekit.auth import CurrentUser, OrgAdmin
from servicekit.runtime import SessionDep

from identity.clinics import service
from identity.clinics.schemas import ClinicCreate, ClinicRead

router = APIRouter(prefix="/v1/clinics", tags=["clinics"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClinicRead)
async def create_clinic(
    data: ClinicCreate, session: SessionDep, _: OrgAdmin, response: Response
) -> ClinicRead:
    """Create a clinic (organisation admins)."""
    clinic = await service.create_clinic(session=session, data=data)
    response.headers["Location"] = f"{router.prefix}/{clinic.id}"
    return ClinicRead.model_validate(clinic)


@router.get("/{clinic_id}", response_model=ClinicRead)
async def get_clinic(clinic_id: UUID, session: SessionDep, _: CurrentUser) -> ClinicRead:
    """One clinic (any signed-in user)."""
    return ClinicRead.model_validate(await service.get_clinic(session=session, clinic_id=clinic_id))
