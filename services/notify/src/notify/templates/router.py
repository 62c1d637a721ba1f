"""Message template routes: a clinic's own wording of each kind of message, per language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from clinic_contracts.identity import MESSAGE_LANGUAGES, message_language
from fastapi import APIRouter, Path, Response, status
from pydantic import AfterValidator
from servicekit.auth import CurrentUser
from servicekit.db import upsert
from servicekit.problems import NotFound, Problem
from servicekit.runtime import SessionDep
from sqlalchemy import delete, select

from notify.access import known_clinic, require_admin, require_staff
from notify.templates.models import Template
from notify.templates.schemas import Placeholder, TemplateBody, TemplateList, TemplateRead
from notify.templates.wording import (
    KINDS,
    PLACEHOLDERS,
    TemplateError,
    built_in,
    check_template,
)

router = APIRouter(prefix="/v1/clinics/{clinic_id}/message-templates", tags=["message templates"])

# A template is per language: a region (sw-KE) only changes how dates and times are written,
# which follows each patient's own tag when the message is rendered, so it names its language.
Language = Annotated[
    str,
    Path(
        max_length=35,
        description=f"A language messages are worded in ({', '.join(MESSAGE_LANGUAGES)}), "
        "any case; a region is taken as its language (sw-KE is sw). Others: 422.",
        examples=["sw"],
    ),
    AfterValidator(message_language),
]
Kind = Annotated[str, Path(description=f"One of {', '.join(KINDS)}.")]


def _known_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(f"There is no message kind {kind!r}.", kinds=list(KINDS))


@router.get("", response_model=TemplateList)
async def list_templates(clinic_id: UUID, session: SessionDep, caller: CurrentUser) -> TemplateList:
    """Every kind's wording in every language, the clinic's own or built in (staff)."""
    require_staff(caller, clinic_id)
    await known_clinic(session, clinic_id)
    own = {
        (t.kind, t.language): t
        for t in await session.scalars(select(Template).where(Template.clinic_id == clinic_id))
    }
    keys = [(kind, language) for kind in KINDS for language in MESSAGE_LANGUAGES]
    templates = [_read(own[key]) if key in own else _built_in(*key) for key in keys]
    return TemplateList(
        templates=templates,
        placeholders=[Placeholder(name=n, description=d) for n, d in PLACEHOLDERS.items()],
    )


@router.put("/{kind}/{language}", response_model=TemplateRead)
async def put_template(
    clinic_id: UUID,
    kind: Kind,
    language: Language,
    data: TemplateBody,
    session: SessionDep,
    caller: CurrentUser,
) -> TemplateRead:
    """Use the clinic's own wording for this kind and language (clinic admins)."""
    require_admin(caller, clinic_id)
    _known_kind(kind)
    await known_clinic(session, clinic_id)
    try:
        body = check_template(data.body.strip())
    except TemplateError as exc:
        raise Problem(
            str(exc), status=422, slug="invalid-template", placeholders=list(PLACEHOLDERS)
        ) from None
    row = {
        "clinic_id": clinic_id,
        "kind": kind,
        "language": language,
        "body": body,
        "updated_by": caller.user_id,
        "updated_at": datetime.now(UTC),
    }
    await upsert(session, Template, row)
    return _read(Template(**row))


@router.delete("/{kind}/{language}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(
    clinic_id: UUID, kind: Kind, language: Language, session: SessionDep, caller: CurrentUser
) -> Response:
    """Go back to the built-in wording (clinic admins); 404 when the clinic has none of its own."""
    require_admin(caller, clinic_id)
    _known_kind(kind)
    deleted = await session.scalar(
        delete(Template)
        .where(
            Template.clinic_id == clinic_id, Template.kind == kind, Template.language == language
        )
        .returning(Template.kind)
    )
    if deleted is None:
        raise NotFound(f"The clinic has no wording of its own for {kind} in {language}.")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _built_in(kind: str, language: str) -> TemplateRead:
    return TemplateRead(
        kind=kind, language=language, body=built_in(kind, language), source="built_in"
    )


def _read(template: Template) -> TemplateRead:
    return TemplateRead(
        kind=template.kind,
        language=template.language,
        body=template.body,
        source="clinic",
        updated_at=template.updated_at,
        updated_by=template.updated_by,
    )
