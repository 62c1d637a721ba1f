"""Allotment request and response bodies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AllotmentCreate(BaseModel):
    """Reserve a provider's time at a clinic for the front desk."""

    model_config = ConfigDict(extra="forbid")

    clinic_id: UUID
    provider_id: UUID
    starts_at: AwareDatetime = Field(examples=["2026-12-08T08:00:00Z"])
    ends_at: AwareDatetime = Field(examples=["2026-12-08T10:00:00Z"])
    release_minutes: int | None = Field(
        default=None,
        ge=0,
        le=43200,
        description="How long before its start the time goes back to online booking; "
        "default BOOKING_ALLOTMENT_RELEASE_MINUTES (120).",
        examples=[120],
    )


class AllotmentRead(BaseModel):
    """Reserved time of a provider, as devices pull it."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    provider_id: UUID
    starts_at: datetime
    ends_at: datetime
    releases_at: datetime = Field(description="From then on it is ordinary free time.")


class AllotmentDetail(AllotmentRead):
    """An allotment with its clinic and author (the admin API)."""

    clinic_id: UUID
    created_by: UUID
    created_at: datetime
