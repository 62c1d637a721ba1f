"""Appointment type request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Step = Literal[5, 10, 15, 20, 30, 60]


def clean_text(value: str) -> str:
    """The text without surrounding blanks; a ValueError (422) when nothing else is left."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean_text)]
Specialty = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(clean_text)]
Minutes = Annotated[int, Field(ge=0, le=120)]


class TypeFields(BaseModel):
    """Fields an admin sets on an appointment type."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(examples=["General consultation"])
    duration_minutes: int = Field(ge=5, le=480, examples=[20])
    buffer_before_minutes: Minutes = 0
    buffer_after_minutes: Minutes = Field(default=0, examples=[5])
    step_minutes: Step = Field(default=15, description="Start times fall on this local grid.")
    specialties: list[Specialty] = Field(
        default_factory=list,
        max_length=20,
        description="Providers with one of these specialties serve it; empty: any provider.",
    )
    min_notice_minutes: int | None = Field(
        default=None, ge=0, le=10_080, description="Null: the clinic's booking policy."
    )
    max_days_ahead: int | None = Field(
        default=None, ge=1, le=730, description="Null: the clinic's booking policy."
    )
    online_bookable: bool = Field(default=True, description="Patients may book it themselves.")
    requires_room: bool = False


class TypeCreate(TypeFields):
    """A new appointment type at a clinic."""

    clinic_id: UUID


class TypeUpdate(BaseModel):
    """Changes to an appointment type; omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=480)
    buffer_before_minutes: Minutes | None = None
    buffer_after_minutes: Minutes | None = None
    step_minutes: Step | None = None
    specialties: list[Specialty] | None = Field(default=None, max_length=20)
    min_notice_minutes: int | None = Field(default=None, ge=0, le=10_080)
    max_days_ahead: int | None = Field(default=None, ge=1, le=730)
    online_bookable: bool | None = None
    requires_room: bool | None = None
    active: bool | None = None


class TypeRead(TypeFields):
    """An appointment type."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    active: bool
    created_at: datetime
    updated_at: datetime
