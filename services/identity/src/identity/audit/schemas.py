"""Audit log query parameters and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from servicekit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page


class AuditQuery(BaseModel):
    """Filters and paging of GET /v1/audit-events; every filter narrows the result."""

    model_config = ConfigDict(extra="forbid")

    action: str | None = Field(
        None, max_length=100, description="Only this action.", examples=["auth.sign_in"]
    )
    outcome: str | None = Field(
        None, max_length=50, description="Only this outcome.", examples=["failure"]
    )
    actor_id: UUID | None = Field(None, description="Only entries by this user.")
    subject_id: UUID | None = Field(None, description="Only entries about this user or object.")
    clinic_id: UUID | None = Field(None, description="Only entries of this clinic.")
    since: AwareDatetime | None = Field(
        None,
        description="Entries at or after this time (ISO 8601 with a UTC offset).",
        examples=["2026-11-24T08:00:00+03:00"],
    )
    until: AwareDatetime | None = Field(
        None,
        description="Entries before this time (ISO 8601 with a UTC offset).",
        examples=["2026-11-25T08:00:00+03:00"],
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    cursor: str | None = Field(
        None, max_length=500, description="`next_cursor` of the previous page; omit for the first."
    )


class AuditEventRead(BaseModel):
    """One audit log entry as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    seq: int = Field(description="Position in the hash chain; gaps are rolled-back appends.")
    occurred_at: datetime = Field(description="When it happened (UTC).")
    action: str = Field(description="What happened.", examples=["auth.sign_in"])
    outcome: str = Field(description="success or failure.", examples=["success"])
    actor_id: UUID | None = Field(description="The user who acted, when known.")
    subject_id: UUID | None = Field(description="The user or object acted upon.")
    clinic_id: UUID | None = Field(description="The clinic concerned, if any.")
    client_address: str | None = Field(
        description="The caller's network address.", examples=["203.0.113.7"]
    )
    details: dict[str, Any] = Field(
        description="Action-specific facts; never passwords or tokens.",
        examples=[{"reason": "wrong_password"}],
    )
    prev_hash: str = Field(description="Hash of the previous entry (64 zeros for the first).")
    hash: str = Field(description="SHA-256 (hex) over this entry's fields, `seq` and `prev_hash`.")


class AuditEventList(Page[AuditEventRead]):
    """A page of audit entries, newest first (the shape of every list: servicekit Page)."""

    items: list[AuditEventRead] = Field(description="Matching entries, newest first.")
