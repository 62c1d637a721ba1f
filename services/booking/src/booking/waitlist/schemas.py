"""Waitlist request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

MAX_WINDOW_DAYS = 180


class WaitlistJoin(BaseModel):
    """Wait for a slot of a type at a clinic, maybe with one provider, between two times."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    type_id: UUID
    provider_id: UUID | None = Field(default=None, description="Omit for any provider.")
    earliest: AwareDatetime = Field(examples=["2027-03-29T00:00:00+01:00"])
    latest: AwareDatetime = Field(examples=["2027-04-10T00:00:00+01:00"])
    patient_id: UUID | None = Field(
        default=None, description="Staff name the patient; patients wait for themselves."
    )
    note: Annotated[str, Field(max_length=500)] | None = None

    @model_validator(mode="after")
    def _window(self) -> WaitlistJoin:
        if self.latest <= self.earliest:
            raise ValueError("latest must be after earliest")
        if (self.latest - self.earliest).days > MAX_WINDOW_DAYS:
            raise ValueError(f"the window may span at most {MAX_WINDOW_DAYS} days")
        return self


class WaitlistRead(BaseModel):
    """A waitlist entry; while `offered`, `hold_id` is the slot kept for the patient."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    clinic_id: UUID
    type_id: UUID
    provider_id: UUID | None
    patient_id: UUID
    earliest: datetime
    latest: datetime
    status: Literal["waiting", "offered", "booked", "cancelled", "lapsed"]
    hold_id: UUID | None
    offers_made: int
    note: str | None
    created_at: datetime
    updated_at: datetime
