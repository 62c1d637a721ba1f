"""The push request identity gets from the gateway (its run of a device's batch) and its answer.

Shapes: docs/offline-sync.md, "Push". A mutation's `args` are checked one by one when it is
applied, so one bad mutation is a `rejected` outcome, not a 422 for the whole batch.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from identity.auth.schemas import PatientDetails

MAX_MUTATIONS = 500


class RegisterPatientArgs(PatientDetails):
    """A patient registered on the device, under the id the device made for them."""

    patient_id: UUID = Field(description="Made on the device; kept unless the phone is matched.")


class PushedMutation(BaseModel):
    """One queued change of the device."""

    model_config = ConfigDict(extra="forbid")

    id: UUID = Field(description="Client mutation id: the idempotency key, per device.")
    seq: int = Field(ge=0, description="Position in the device's sequence.")
    recorded_at: AwareDatetime = Field(description="When the device recorded it (its clock).")
    kind: Literal["register_patient"]
    depends_on: list[UUID] = Field(default_factory=list, max_length=MAX_MUTATIONS)
    args: dict[str, Any]


class IdentityPush(BaseModel):
    """A run of register_patient mutations of one device's batch, as the gateway forwards it."""

    model_config = ConfigDict(extra="forbid")

    device_id: UUID
    clinic_id: UUID
    mutations: list[PushedMutation]
    failed: list[UUID] = Field(
        default_factory=list,
        description="Ids of the batch's earlier mutations that did not end `applied`.",
    )


class MutationOutcome(BaseModel):
    """What became of one mutation."""

    id: UUID
    seq: int
    status: Literal["applied", "rejected", "blocked"]
    result: dict[str, Any] | None = Field(
        default=None,
        description="applied: `{patient_id, full_name, phone, matched}`; `patient_id` is an "
        "existing account's when the phone or email already had one (`matched`).",
    )
    problem: dict[str, Any] | None = Field(default=None, description="rejected: problem+json.")
    blocked_by: UUID | None = Field(default=None, description="blocked: the failed mutation.")


class PushOutcomes(BaseModel):
    """One outcome per mutation, in the order applied."""

    outcomes: list[MutationOutcome]
