"""Webhook routes that Twilio and Africa's Talking call: no bearer token, their own checks.

Twilio signs each request (X-Twilio-Signature over the URL it called and the form); Africa's
Talking signs nothing, so its callback URLs carry a secret `token`. Anything failing the check
gets 403 before the body is looked at. Reports about unknown messages are acknowledged and
dropped: a provider retrying them forever helps nobody.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any
from urllib.parse import parse_qsl
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status
from servicekit.problems import Forbidden
from servicekit.runtime import SessionDep
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.messages.models import Message
from notify.providers.twilio import signature_valid
from notify.settings import Settings, revealed
from notify.webhooks.delivery import apply_africastalking_report, apply_twilio_status
from notify.webhooks.inbound import apply_reply

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _settings(request: Request) -> Settings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, Settings)
    return settings


NotifySettings = Annotated[Settings, Depends(_settings)]


def _form(*fields: str) -> dict[str, Any]:
    """OpenAPI for a form body read by hand (FastAPI's Form() needs python-multipart)."""
    schema = {"type": "object", "properties": {f: {"type": "string"} for f in fields}}
    content = {"application/x-www-form-urlencoded": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


async def _read_form(request: Request) -> dict[str, str]:
    return dict(parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True))


def _check_twilio_signature(request: Request, params: dict[str, str], settings: Settings) -> None:
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


def _check_africastalking_token(token: str, settings: Settings) -> None:
    expected = revealed(settings.africastalking_callback_token)
    if not (expected and hmac.compare_digest(token.encode(), expected.encode())):
        raise Forbidden("The callback token is not valid.")


async def _locked(session: AsyncSession, *where: Any) -> Message | None:
    return await session.scalar(select(Message).where(*where).with_for_update())


async def _twilio_message(
    session: AsyncSession, message_id: str | None, sid: str
) -> Message | None:
    """The message our StatusCallback named, else the one with this Twilio id."""
    try:
        own_id = UUID(message_id) if message_id else None
    except ValueError:
        own_id = None
    found = await _locked(session, Message.id == own_id) if own_id else None
    if found is None and sid:
        found = await _locked(
            session, Message.provider == "twilio", Message.provider_message_id == sid
        )
    return found


@router.post(
    "/twilio/status",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=_form("MessageSid", "MessageStatus", "ErrorCode", "ErrorMessage", "To", "From"),
)
async def twilio_status(
    request: Request, session: SessionDep, settings: NotifySettings, message_id: str | None = None
) -> Response:
    """Twilio's status callback for a message we sent (signed by Twilio)."""
    params = await _read_form(request)
    _check_twilio_signature(request, params, settings)
    sid = params.get("MessageSid") or params.get("SmsSid", "")
    reported = (params.get("MessageStatus") or params.get("SmsStatus", "")).lower()
    message = await _twilio_message(session, message_id, sid)
    if message is None or not reported:
        log.info("Twilio reported %r for an unknown message (%s, %s)", reported, message_id, sid)
    else:
        await apply_twilio_status(
            session,
            message,
            sid=sid,
            status=reported,
            to=params.get("To", ""),
            code=params.get("ErrorCode") or None,
            detail=params.get("ErrorMessage") or None,
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/twilio/inbound", openapi_extra=_form("From", "To", "Body", "MessageSid"))
async def twilio_inbound(
    request: Request, session: SessionDep, settings: NotifySettings
) -> Response:
    """A patient's SMS or WhatsApp reply (signed by Twilio): STOP opts out, START back in."""
    params = await _read_form(request)
    _check_twilio_signature(request, params, settings)
    await apply_reply(session, params.get("From", ""), params.get("Body", ""))
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post(
    "/africastalking/delivery",
    openapi_extra=_form("id", "status", "phoneNumber", "networkCode", "failureReason"),
)
async def africastalking_delivery(
    request: Request, session: SessionDep, settings: NotifySettings, token: str = ""
) -> Response:
    """An Africa's Talking delivery report; the URL must carry the configured `token`."""
    _check_africastalking_token(token, settings)
    params = await _read_form(request)
    provider_id, reported = params.get("id", ""), params.get("status", "")
    message = await _locked(
        session, Message.provider == "africastalking", Message.provider_message_id == provider_id
    )
    if message is None or not reported:
        log.info("Africa's Talking reported %r for an unknown message %s", reported, provider_id)
    else:
        reason = params.get("failureReason") or None
        await apply_africastalking_report(session, message, status=reported, reason=reason)
    return Response()


@router.post("/africastalking/inbound", openapi_extra=_form("from", "to", "text", "date", "id"))
async def africastalking_inbound(
    request: Request, session: SessionDep, settings: NotifySettings, token: str = ""
) -> Response:
    """A patient's SMS reply via Africa's Talking: STOP opts out, START back in."""
    _check_africastalking_token(token, settings)
    params = await _read_form(request)
    await apply_reply(session, params.get("from", ""), params.get("text", ""))
    return Response()
