"""Twilio (SMS and WhatsApp) through the official SDK, asynchronously (aiohttp underneath)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from clinic_contracts.notify import Channel
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from notify.providers.base import Accepted, Outgoing, SendFailed
from notify.providers.log import redact_phone_numbers
from notify.settings import Settings, revealed

WHATSAPP = "whatsapp:"
# How much earlier than `sent_after` Twilio's clock may date a message we sent.
CLOCK_SKEW = timedelta(minutes=2)
LOOKUP_LIMIT = 100  # newest messages to one number looked at by `find`

# The SDK logs every request's query at INFO, and a lookup's query holds the phone number.
_sdk_logger = logging.getLogger("notify.providers.twilio.sdk")
_sdk_logger.setLevel(logging.WARNING)


class _TimedHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]  # the SDK is untyped
    """AsyncTwilioHttpClient that applies its own timeout, which 9.13 drops (twilio-python#925)."""

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        effective = self.timeout if timeout is None else timeout
        response: Response = await super().request(
            method, url, params, data, headers, auth, effective, allow_redirects
        )
        return response


class TwilioProvider:
    """Sends through Twilio's Messages API; `find` looks a message up by number, day and body."""

    name = "twilio"
    can_reconcile = True

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._senders: dict[Channel, str] = {}
        if settings.twilio_sms_from:
            self._senders["sms"] = settings.twilio_sms_from
        if settings.twilio_whatsapp_from:
            self._senders["whatsapp"] = WHATSAPP + settings.twilio_whatsapp_from
        # Only channels with a sender: a message on another channel could never be sent here.
        self.channels: frozenset[Channel] = frozenset(self._senders)
        self._client: Any = None  # made on first use: aiohttp needs a running event loop

    async def send(self, message: Outgoing) -> Accepted:
        """Create the message at Twilio; its SID is the provider id."""
        sender = self._sender(message.channel)
        optional = {"status_callback": message.status_callback} if message.status_callback else {}
        try:
            created = await self._messages().create_async(
                to=_address(message.channel, message.to),
                from_=sender,
                body=message.body,
                **optional,
            )
        except (TwilioException, aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise send_failure(error) from error
        return Accepted(created.sid, str(created.status))

    async def find(
        self, message: Outgoing, sent_after: datetime, exclude: frozenset[str] = frozenset()
    ) -> Accepted | None:
        """The newest message to that number with that body since `sent_after`, if any, that
        is not one of `exclude` (the same words may have gone to one phone for two messages).

        Twilio filters on the day sent only (DateSent>=YYYY-MM-DD, UTC), so the creation time is
        checked here, allowing for clock skew. A message still waiting in Twilio's queue has no
        date sent yet: when the dated query finds nothing, the newest messages are looked at.
        """
        sender = self._senders.get(message.channel)
        if sender is None:
            return None  # no sender for that channel: it cannot have been sent from here
        since = sent_after if sent_after.tzinfo else sent_after.replace(tzinfo=UTC)
        day = since.astimezone(UTC).date().isoformat()
        for date_filter in ({"date_sent_after": day}, {}):
            records = await self._list(_address(message.channel, message.to), sender, date_filter)
            records = [record for record in records if record.sid not in exclude]
            if found := _newest_match(records, message.body, since - CLOCK_SKEW):
                return found
        return None

    async def _list(self, to: str, sender: str, date_filter: dict[str, str]) -> list[Any]:
        try:
            records: list[Any] = await self._messages().list_async(
                to=to, from_=sender, limit=LOOKUP_LIMIT, **date_filter
            )
        except (TwilioException, aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise SendFailed("lookup-failed", _describe(error), transient=True) from error
        return records

    async def aclose(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self._client is not None:
            await self._client.http_client.close()
            self._client = None

    def _sender(self, channel: Channel) -> str:
        try:
            return self._senders[channel]
        except KeyError:
            raise SendFailed(
                "sender-not-configured", f"no Twilio sender for {channel}", transient=False
            ) from None

    def _messages(self) -> Any:
        if self._client is None:
            settings = self._settings
            http_client = _TimedHttpClient(
                timeout=settings.provider_timeout_seconds, logger=_sdk_logger
            )
            # environment={}: TWILIO_EDGE / TWILIO_REGION must not re-route a configured client.
            self._client = Client(
                settings.twilio_account_sid,
                revealed(settings.twilio_auth_token),
                http_client=http_client,
                environment={},
            )
            if settings.twilio_base_url:
                self._client.api.base_url = settings.twilio_base_url  # Domain.absolute_url
        return self._client.api.account.messages


def send_failure(error: Exception) -> SendFailed:
    """What a failed create means for a resend."""
    if isinstance(error, TwilioRestException | TwilioServiceException):
        status = int(error.status)
        code = str(error.code or status)
        return SendFailed(code, _describe(error), transient=status == 429 or status >= 500)
    # Never connected (refused, DNS, connect timeout): Twilio cannot have the message.
    if isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return SendFailed("unreachable", _describe(error), transient=True)
    # Anything later (read timeout, dropped connection, unreadable answer) may follow a create.
    return SendFailed("no-answer", _describe(error), transient=True, ambiguous=True)


def signature_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether `signature` (the X-Twilio-Signature header) signs this URL and these form fields.

    `params` may be a multi-dict (Starlette's FormData): the validator reads repeated fields.
    """
    valid: bool = RequestValidator(auth_token).validate(url, params, signature)
    return valid


def _newest_match(records: list[Any], body: str, earliest: datetime) -> Accepted | None:
    matches = [
        record
        for record in records
        if record.body == body and (record.date_created is None or record.date_created >= earliest)
    ]
    if not matches:
        return None
    newest = max(matches, key=lambda record: record.date_created or earliest)
    return Accepted(newest.sid, str(newest.status))


def _describe(error: Exception) -> str:
    """The error's text without phone numbers."""
    # Not str() first: TwilioRestException paints that in terminal colours when on a TTY. It has
    # `msg`; TwilioServiceException (RFC 9457) has `detail` and `title`.
    for attribute in ("msg", "detail", "title"):
        if text := getattr(error, attribute, None):
            return redact_phone_numbers(str(text))
    return redact_phone_numbers(str(error)) or type(error).__name__


def _address(channel: Channel, number: str) -> str:
    return WHATSAPP + number if channel == "whatsapp" else number
