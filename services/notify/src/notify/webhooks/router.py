"""Webhook routes that Twilio and Africa's Talking call: no bearer token, their own checks.

Twilio signs each request (X-Twilio-Signature over the URL it called and the form); Africa's
Talking signs nothing, so its callback URLs carry a secret `token` (see access.py). Anything
failing the check gets 403 before anything in the body is acted on. Reports about unknown
messages are acknowledged and dropped: a provider retrying them forever helps nobody.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from servicekit.runtime import SessionDep

from notify.access import AfricasTalkingForm, TwilioForm
from notify.webhooks import service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _form(*fields: str) -> dict[str, Any]:
    """OpenAPI for a form body read by hand (FastAPI's Form() needs python-multipart)."""
    schema = {"type": "object", "properties": {f: {"type": "string"} for f in fields}}
    content = {"application/x-www-form-urlencoded": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


@router.post(
    "/twilio/status",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=_form("MessageSid", "MessageStatus", "ErrorCode", "ErrorMessage", "To", "From"),
)
async def twilio_status(
    session: SessionDep, form: TwilioForm, message_id: str | None = None
) -> Response:
    """Twilio's status callback for a message we sent (signed by Twilio)."""
    await service.twilio_status(session, form=form, message_id=message_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/twilio/inbound", openapi_extra=_form("From", "To", "Body", "MessageSid"))
async def twilio_inbound(session: SessionDep, form: TwilioForm) -> Response:
    """A patient's SMS or WhatsApp reply (signed by Twilio): STOP opts out, START back in."""
    await service.apply_reply(session, sender=form.get("From", ""), text=form.get("Body", ""))
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post(
    "/africastalking/delivery",
    openapi_extra=_form("id", "status", "phoneNumber", "networkCode", "failureReason"),
)
async def africastalking_delivery(session: SessionDep, form: AfricasTalkingForm) -> Response:
    """An Africa's Talking delivery report; the URL must carry the configured `token`."""
    await service.africastalking_report(session, form=form)
    return Response()


@router.post("/africastalking/inbound", openapi_extra=_form("from", "to", "text", "date", "id"))
async def africastalking_inbound(session: SessionDep, form: AfricasTalkingForm) -> Response:
    """A patient's SMS reply via Africa's Talking: STOP opts out, START back in."""
    await service.apply_reply(session, sender=form.get("from", ""), text=form.get("text", ""))
    return Response()
