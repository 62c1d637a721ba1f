"""Audit log query parameters and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from servicekit.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

# A call must stay well inside the gateway's 30 s upstream timeout even on a saturated machine:
# 100,000 entries took 5-6 s on the idle 2-core development machine, 42 s at load average 21,
# where a 20,000-entry call took 10-11 s (bench/audit_verification.py).
VERIFY_DEFAULT_LIMIT, VERIFY_MAX_LIMIT = 10_000, 20_000


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


class VerificationQuery(BaseModel):
    """Which part of the chain GET /v1/audit-events/verification checks."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        VERIFY_DEFAULT_LIMIT,
        ge=1,
        le=VERIFY_MAX_LIMIT,
        description="Most entries to check in this call; continue with `next_cursor`.",
    )
    cursor: str | None = Field(
        None,
        max_length=500,
        description="`next_cursor` of the previous call; omit to start at the oldest entry.",
    )


class BrokenLinkRead(BaseModel):
    """The first entry that does not verify."""

    seq: int = Field(description="Sequence number of the entry.", examples=[1042])
    reason: Literal["unlinked", "edited"] = Field(
        description="`unlinked`: its prev_hash is not the previous entry's hash (an entry was "
        "deleted or entries reordered); `edited`: its hash does not match its content."
    )
    message: str = Field(description="What was found, in words.")


class AuditVerification(BaseModel):
    """The outcome of checking the audit log's hash chain, or the next part of it."""

    intact: bool = Field(description="Every entry checked verified and linked to the one before.")
    complete: bool = Field(
        description="The check reached the newest entry: with `intact`, and when every earlier "
        "part was checked through `next_cursor`, the whole log is intact."
    )
    checked: int = Field(description="Entries checked by this call.", examples=[1000])
    last_seq: int | None = Field(
        description="The last entry checked (null if none); keep it and `last_hash` elsewhere to "
        "notice later if the newest entries are removed, which the chain alone cannot show."
    )
    last_hash: str = Field(description="Hash of that entry (64 zeros when none).")
    broken: BrokenLinkRead | None = Field(description="The first broken link, if any.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to check the entries after these; null when the check "
        "reached the newest entry or found a broken link."
    )
