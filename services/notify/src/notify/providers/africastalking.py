"""Africa's Talking SMS through the official SDK (blocking `requests`, run in a thread).

Africa's Talking has no API to look up an outbound message, so `find` always answers None and
`can_reconcile` is False: a send whose outcome is unknown (say, a read timeout after the request
went out) is never resent, since that could deliver it twice; it is reported failed instead.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

import requests
from africastalking.Service import AfricasTalkingException, validate_phone
from africastalking.SMS import SMSService
from clinic_contracts.notify import Channel
from urllib3.exceptions import MaxRetryError, NewConnectionError

from notify.providers.base import Accepted, Outgoing, SendFailed
from notify.providers.log import redact_phone_numbers
from notify.settings import Settings, revealed

CONNECT_TIMEOUT_SECONDS = 3.05  # the SDK's own default: slightly above a TCP retransmission
ACCEPTED = frozenset({100, 101, 102})  # Processed, Sent, Queued
# Refusals worth trying again later: RiskHold, InsufficientBalance and the server-side ones.
TRANSIENT = frozenset({401, 405, 500, 501, 502})
STATUS_NAMES = {
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    409: "DoNotDisturbRejection",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}
PERMANENT_NAMES = frozenset(name for code, name in STATUS_NAMES.items() if code not in TRANSIENT)
DETAIL_LIMIT = 300  # characters of an error body kept


class AfricasTalkingProvider:
    """Sends SMS through Africa's Talking's bulk messaging API."""

    name = "africastalking"
    channels: frozenset[Channel] = frozenset({"sms"})
    can_reconcile = False

    def __init__(self, settings: Settings) -> None:
        self._sms = SMSService(
            settings.africastalking_username, revealed(settings.africastalking_api_key)
        )
        if settings.africastalking_base_url:
            # What SMSService._init_service does to the production URL.
            self._sms._baseUrl = settings.africastalking_base_url.rstrip("/") + "/version1"
        self._sender_id = settings.africastalking_sender_id
        connect = min(CONNECT_TIMEOUT_SECONDS, settings.provider_timeout_seconds)
        self._timeout = (connect, settings.provider_timeout_seconds)

    async def send(self, message: Outgoing) -> Accepted:
        """Send one SMS; the recipient's status code says whether it was taken."""
        if not validate_phone(message.to):
            raise SendFailed("InvalidPhoneNumber", "not an E.164 number", transient=False)
        try:
            answer = await asyncio.to_thread(
                self._sms.send,
                message.body,
                [message.to],
                sender_id=self._sender_id,
                timeout=self._timeout,
            )
        except AfricasTalkingException as error:
            # The SDK keeps only the body of a non-2xx answer, not its status: assume transient.
            raise SendFailed("http-error", _detail(str(error)), transient=True) from error
        except (requests.RequestException, ValueError) as error:
            raise request_failure(error) from error
        return recipient_outcome(answer)

    async def find(
        self, message: Outgoing, sent_after: datetime, exclude: frozenset[str] = frozenset()
    ) -> Accepted | None:
        """Always None: Africa's Talking cannot be asked about a message it was sent."""
        return None

    async def aclose(self) -> None:
        """Nothing to release: each request opens its own connection."""


def recipient_outcome(answer: Any) -> Accepted:
    """The Accepted for the single recipient of a 2xx answer, or SendFailed."""
    try:
        # The SDK decodes only an exact `application/json` content type; else it hands back text.
        data = json.loads(answer) if isinstance(answer, str) else answer
        summary = data["SMSMessageData"]
        recipients = summary["Recipients"]
    except (ValueError, KeyError, TypeError) as error:
        detail = _detail(repr(answer))
        raise SendFailed("unreadable-answer", detail, transient=True, ambiguous=True) from error
    if not recipients:  # the whole request refused, e.g. "InvalidSenderId"
        reason = str(summary.get("Message", "no recipient"))
        refusal = reason if reason in STATUS_NAMES.values() else "refused"
        raise SendFailed(refusal, _detail(reason), transient=reason not in PERMANENT_NAMES)
    recipient = recipients[0]
    code = int(recipient.get("statusCode", 0))
    status = str(recipient.get("status", ""))
    if code in ACCEPTED:
        return Accepted(str(recipient["messageId"]), status)
    name = STATUS_NAMES.get(code, status or str(code))
    # An unknown code is not known to be final: let the retry limit end it.
    transient = code in TRANSIENT or code not in STATUS_NAMES
    raise SendFailed(name, f"statusCode {code} {status}", transient=transient)


def request_failure(error: Exception) -> SendFailed:
    """What a failed request means for a resend."""
    if isinstance(error, requests.ConnectTimeout | requests.exceptions.SSLError):
        return SendFailed("unreachable", _detail(str(error)), transient=True)
    if isinstance(error, requests.ConnectionError) and _never_connected(error):
        return SendFailed("unreachable", _detail(str(error)), transient=True)
    # Read timeout, dropped connection, unreadable 2xx: the request may have been taken.
    detail = _detail(str(error)) or type(error).__name__
    return SendFailed("no-answer", detail, transient=True, ambiguous=True)


def _never_connected(error: requests.ConnectionError) -> bool:
    # urllib3 wraps a refused connection or a failed DNS look-up in MaxRetryError; a connection
    # lost after the request was written arrives as a bare ProtocolError instead.
    cause = error.args[0] if error.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)


def _detail(text: str) -> str:
    return redact_phone_numbers(text)[:DETAIL_LIMIT]
