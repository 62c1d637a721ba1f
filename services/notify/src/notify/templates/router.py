"""Message template routes: a clinic's own wording of each kind of message, per language."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from clinic_contracts.identity import MESSAGE_LANGUAGES, message_language
from fastapi import APIRouter, Path, Response, status
from pydantic import AfterValidator
from servicekit.auth import CurrentUser
from servicekit.runtime import SessionDep

from notify.templates import service
from notify.templates.rules import KINDS
from notify.templates.schemas import TemplateBody, TemplateList, TemplateRead

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


@router.get("", response_model=TemplateList)
async def list_templates(clinic_id: UUID, session: SessionDep, caller: CurrentUser) -> TemplateList:
    """Every kind's wording in every language, the clinic's own or built in (staff)."""
    return await service.list_templates(session, caller=caller, clinic_id=clinic_id)


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
    return await service.save_template(
        session, caller=caller, clinic_id=clinic_id, kind=kind, language=language, body=data.body
    )


@router.delete("/{kind}/{language}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(
    clinic_id: UUID, kind: Kind, language: Language, session: SessionDep, caller: CurrentUser
) -> Response:
    """Go back to the built-in wording (clinic admins); 404 when the clinic has none of its own."""
    await service.remove_template(
        session, caller=caller, clinic_id=clinic_id, kind=kind, language=language
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
