"""Message template request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from notify.templates.models import Template
from notify.templates.rules import MAX_LENGTH


class TemplateBody(BaseModel):
    """A clinic's own wording; `{placeholders}` only, as listed with the templates."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(
        min_length=1,
        max_length=MAX_LENGTH,
        examples=["{clinic}: habari {patient}, your {type} is on {date} at {time}."],
    )


class TemplateRead(BaseModel):
    """The wording of one kind of message in one language at a clinic."""

    kind: str
    language: str = Field(
        description="en, sw or fr; a patient gets the wording of their tag's language (sw for "
        "sw-KE), with dates and times written their way.",
        examples=["sw"],
    )
    body: str
    source: Literal["clinic", "built_in"] = Field(
        description="`clinic`: the clinic's own; `built_in`: notify's default."
    )
    updated_at: datetime | None = None
    updated_by: UUID | None = None

    @classmethod
    def of(cls, template: Template) -> TemplateRead:
        """The response body of a clinic's own template."""
        return cls(
            kind=template.kind,
            language=template.language,
            body=template.body,
            source="clinic",
            updated_at=template.updated_at,
            updated_by=template.updated_by,
        )


class Placeholder(BaseModel):
    """A `{name}` a template may use, and what it is filled with."""

    name: str
    description: str


class TemplateList(BaseModel):
    """Every kind in every language messages are worded in: the clinic's own, else built in."""

    templates: list[TemplateRead]
    placeholders: list[Placeholder]
