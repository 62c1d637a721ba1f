"""Message template use cases: a clinic's own wording of each kind of message, per language."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.identity import MESSAGE_LANGUAGES
from servicekit.auth import Principal
from servicekit.problems import NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from notify.access import require_admin, require_staff
from notify.projection.service import known_clinic
from notify.templates import repository
from notify.templates.models import Template
from notify.templates.rules import KINDS, PLACEHOLDERS, TemplateError, built_in, check_template
from notify.templates.schemas import Placeholder, TemplateList, TemplateRead


async def list_templates(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID
) -> TemplateList:
    """Every kind's wording in every language, the clinic's own or built in (staff)."""
    require_staff(caller, clinic_id)
    await known_clinic(session, clinic_id=clinic_id)
    own = {
        (t.kind, t.language): t for t in await repository.of_clinic(session, clinic_id=clinic_id)
    }
    keys = [(kind, language) for kind in KINDS for language in MESSAGE_LANGUAGES]
    templates = [TemplateRead.of(own[key]) if key in own else _built_in(*key) for key in keys]
    return TemplateList(
        templates=templates,
        placeholders=[Placeholder(name=n, description=d) for n, d in PLACEHOLDERS.items()],
    )


async def save_template(
    session: AsyncSession,
    *,
    caller: Principal,
    clinic_id: UUID,
    kind: str,
    language: str,
    body: str,
) -> TemplateRead:
    """Use the clinic's own wording for this kind and language (clinic admins)."""
    require_admin(caller, clinic_id)
    _known_kind(kind)
    await known_clinic(session, clinic_id=clinic_id)
    try:
        checked = check_template(body.strip())
    except TemplateError as exc:
        raise Problem(
            str(exc), status=422, slug="invalid-template", placeholders=list(PLACEHOLDERS)
        ) from None
    row = {
        "clinic_id": clinic_id,
        "kind": kind,
        "language": language,
        "body": checked,
        "updated_by": caller.user_id,
        "updated_at": datetime.now(UTC),
    }
    await repository.save(session, row)
    return TemplateRead.of(Template(**row))


async def remove_template(
    session: AsyncSession, *, caller: Principal, clinic_id: UUID, kind: str, language: str
) -> None:
    """Go back to the built-in wording (clinic admins); 404 when the clinic has none of its own."""
    require_admin(caller, clinic_id)
    _known_kind(kind)
    if not await repository.remove(session, clinic_id=clinic_id, kind=kind, language=language):
        raise NotFound(f"The clinic has no wording of its own for {kind} in {language}.")


def _known_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(f"There is no message kind {kind!r}.", kinds=list(KINDS))


def _built_in(kind: str, language: str) -> TemplateRead:
    return TemplateRead(
        kind=kind, language=language, body=built_in(kind, language), source="built_in"
    )
