"""Who may see and change what in notify: staff see their clinics, clinic admins configure them,
patients see their own messages, and providers' callbacks prove where they come from."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl
from uuid import UUID

from fastapi import Depends, Request
from servicekit.auth import CLINIC_ADMIN, STAFF_ROLES, Principal
from servicekit.problems import Forbidden

from notify.providers.twilio import signature_valid
from notify.settings import Settings, revealed

log = logging.getLogger(__name__)


def is_staff(caller: Principal, clinic_id: UUID) -> bool:
    """Whether the caller works at the clinic (or administers the organisation)."""
    return caller.has_role(clinic_id, *STAFF_ROLES)


def require_staff(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller works at the clinic (or administers the organisation)."""
    if not is_staff(caller, clinic_id):
        raise Forbidden("Only staff of this clinic may see this.")


def require_admin(caller: Principal, clinic_id: UUID) -> None:
    """403 unless the caller administers the clinic (or the organisation)."""
    if not caller.has_role(clinic_id, CLINIC_ADMIN):
        raise Forbidden("Only this clinic's admins and organisation admins may do this.")


@dataclass(frozen=True)
class Visibility:
    """Whose messages a caller may see: everyone's, or their own and their clinics'."""

    everyone: bool
    patient_id: UUID
    clinic_ids: frozenset[UUID]


def visible_messages(caller: Principal) -> Visibility:
    """Messages the caller may see: their own, and all of the clinics they work at (org admins:
    all of them)."""
    return Visibility(caller.is_org_admin, caller.user_id, caller.clinics())


# Providers' callbacks carry no bearer token. Twilio signs each request (X-Twilio-Signature over
# the URL it called and the form); Africa's Talking signs nothing, so its callback URLs carry a
# secret `token`, checked before the body is read.


def _settings(request: Request) -> Settings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, Settings)
    return settings


async def _read_form(request: Request) -> dict[str, str]:
    return dict(parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True))


async def signed_by_twilio(request: Request) -> dict[str, str]:
    """The form Twilio posted, when Twilio signed it; 403 otherwise."""
    params = await _read_form(request)
    settings = _settings(request)
    token = revealed(settings.twilio_auth_token)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (token and settings.public_url and signature):
        raise Forbidden("The request is not signed by Twilio.")
    # Twilio signs the URL it called, i.e. the gateway's public one, query string included.
    query = f"?{request.url.query}" if request.url.query else ""
    url = f"{settings.public_url.rstrip('/')}{request.url.path}{query}"
    if not signature_valid(token, url, params, signature):
        log.warning("Twilio signature mismatch on %s", request.url.path)
        raise Forbidden("The request is not signed by Twilio.")
    return params


async def from_africastalking(request: Request, token: str = "") -> dict[str, str]:
    """The form Africa's Talking posted, when the URL carries the callback token; 403 otherwise."""
    expected = revealed(_settings(request).africastalking_callback_token)
    if not (expected and hmac.compare_digest(token.encode(), expected.encode())):
        raise Forbidden("The callback token is not valid.")
    return await _read_form(request)


TwilioForm = Annotated[dict[str, str], Depends(signed_by_twilio)]
AfricasTalkingForm = Annotated[dict[str, str], Depends(from_africastalking)]
