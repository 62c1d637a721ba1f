"""The offline sync push, planned: a device's batch cut into runs per owning service.

Pure code (docs/offline-sync.md, "Push"): which service owns each kind of mutation, the runs
of consecutive mutations of one owner in `seq` order, and what the gateway changes between
runs: the patient ids identity matched to existing accounts, and the mutations of a patient
whose registration did not end `applied` (blocked here, never sent on).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MutationKind = Literal[
    "register_patient", "book", "reschedule", "cancel", "check_in", "complete", "no_show"
]
OWNERS: dict[str, str] = {
    "register_patient": "identity",
    "book": "booking",
    "reschedule": "booking",
    "cancel": "booking",
    "check_in": "booking",
    "complete": "booking",
    "no_show": "booking",
}


class SyncMutation(BaseModel):
    """One queued change of the device."""

    model_config = ConfigDict(extra="forbid")

    id: UUID = Field(description="Client mutation id: the idempotency key, per device.")
    seq: int = Field(ge=0, description="Position in the device's sequence (strictly increasing).")
    recorded_at: AwareDatetime = Field(description="When the device recorded it (its clock).")
    kind: MutationKind
    depends_on: list[UUID] = Field(
        default_factory=list, description="Ids of earlier mutations this one needs."
    )
    args: dict[str, Any] = Field(description="The kind's arguments (docs/offline-sync.md).")


class SyncPush(BaseModel):
    """A batch of a device's queue."""

    model_config = ConfigDict(extra="forbid")

    device_id: UUID = Field(description="The device's own random id, kept in its store.")
    clinic_id: UUID = Field(description="The clinic the device serves.")
    mutations: list[SyncMutation]


class SyncOutcome(BaseModel):
    """What became of one mutation, as its service answered (or `blocked` by the gateway)."""

    model_config = ConfigDict(extra="allow")

    id: UUID
    seq: int
    status: Literal["applied", "conflict", "rejected", "blocked"]
    result: dict[str, Any] | None = Field(
        default=None, description="applied: the patient or the appointment."
    )
    conflict_id: UUID | None = Field(default=None, description="conflict: in the clinic's inbox.")
    problem: dict[str, Any] | None = Field(
        default=None, description="conflict, rejected: problem+json of why."
    )
    alternatives: list[dict[str, Any]] | None = Field(
        default=None, description="conflict: nearby free times `{starts_at, provider_ids}`."
    )
    blocked_by: UUID | None = Field(
        default=None, description="blocked: the mutation that did not end applied."
    )


class SyncPushResult(BaseModel):
    """One outcome per mutation, in `seq` order."""

    outcomes: list[SyncOutcome]


def runs(mutations: Iterable[SyncMutation]) -> list[tuple[str, list[SyncMutation]]]:
    """The mutations in `seq` order, cut into runs of consecutive ones of one owning service."""
    ordered = sorted(mutations, key=lambda m: m.seq)
    return [(owner, list(run)) for owner, run in groupby(ordered, key=lambda m: OWNERS[m.kind])]


@dataclass
class PushProgress:
    """What earlier runs of the batch decided that later runs need."""

    failed: list[UUID] = field(default_factory=list)
    # Device-made patient id -> the existing account identity matched it to.
    matched: dict[str, str] = field(default_factory=dict)
    # Device-made patient id -> the register_patient mutation that did not end applied.
    unregistered: dict[str, UUID] = field(default_factory=dict)
    outcomes: list[SyncOutcome] = field(default_factory=list)

    def prepare(self, run: list[SyncMutation]) -> list[SyncMutation]:
        """The run's mutations to send, patient ids rewritten; those of a patient whose
        registration failed are answered `blocked` here instead."""
        to_send = []
        for mutation in run:
            patient_id = str(mutation.args.get("patient_id"))
            blocker = (
                self.unregistered.get(patient_id) if mutation.kind != "register_patient" else None
            )
            if blocker is not None:
                self.record(
                    mutation,
                    SyncOutcome(
                        id=mutation.id, seq=mutation.seq, status="blocked", blocked_by=blocker
                    ),
                )
            elif patient_id in self.matched:
                args = {**mutation.args, "patient_id": self.matched[patient_id]}
                to_send.append(mutation.model_copy(update={"args": args}))
            else:
                to_send.append(mutation)
        return to_send

    def record(self, mutation: SyncMutation, outcome: SyncOutcome) -> None:
        """Take one outcome into account for the runs after it."""
        self.outcomes.append(outcome)
        if mutation.kind == "register_patient":
            device_made = str(mutation.args.get("patient_id"))
            existing = (outcome.result or {}).get("patient_id")
            if outcome.status != "applied":
                self.unregistered[device_made] = mutation.id
            elif existing is not None and str(existing) != device_made:
                self.matched[device_made] = str(existing)
        if outcome.status != "applied":
            self.failed.append(mutation.id)

    def sorted_outcomes(self) -> list[SyncOutcome]:
        """Every outcome so far, in `seq` order."""
        return sorted(self.outcomes, key=lambda o: o.seq)
