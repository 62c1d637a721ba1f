"""A local fake of Twilio's Programmable Messaging API (2010-04-01), enough for `twilio` 9.x.

Implements, under `/2010-04-01/Accounts/{AccountSid}`:

- `POST /Messages.json`: form fields `To`, `From`, `Body`, `StatusCallback` (others ignored);
  HTTP basic auth must be the account SID and auth token (else 401, code 20003). Answers 201
  with a Message resource: `sid` ("SM" + 32 hex), `account_sid`, `to`, `from`, `body`,
  `status` ("queued"), `direction` ("outbound-api"), `date_created`, `date_updated`,
  `date_sent` (RFC 2822), `num_segments`, `num_media`, `price`, `price_unit`, `error_code`,
  `error_message`, `messaging_service_sid`, `api_version`, `uri`, `subresource_uris`.
  Refusals use Twilio's error body `{"code", "message", "more_info", "status"}`: 21602 /
  21603 / 21604 for a missing Body / From / To, 21910 for a `whatsapp:` mismatch between
  From and To, and whatever `reject_number` set.
- `GET /Messages.json`: filters `To`, `From`, `DateSent`, `DateSent<`, `DateSent>` (by day,
  UTC, inclusive, as Twilio does), `PageSize`, `Page`; answers a page
  `{"messages", "start", "end", "page", "page_size", "uri", "first_page_uri",
  "next_page_uri", "previous_page_uri"}`, newest first.

Simplifications: a message never leaves "queued" (no delivery, no status callbacks are made),
and `date_sent` is set at creation, as if Twilio handed it to the carrier at once. After
`hold_in_queue()`, new messages keep `date_sent` null, as Twilio does while a message waits
in its queue, so that `DateSent` filters miss them.
"""

from __future__ import annotations

import base64
import json
import operator
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeApiServer, ScriptedFailure

API_VERSION = "2010-04-01"
WHATSAPP = "whatsapp:"
DEFAULT_PAGE_SIZE = 50


@dataclass
class TwilioMessage:
    """A message the fake accepted."""

    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    status: str = "queued"
    date_created: datetime = field(default_factory=lambda: datetime.now(UTC))
    date_sent: datetime | None = None

    def resource(self) -> dict[str, Any]:
        """The message as Twilio's Message resource JSON."""
        stamp = format_datetime(self.date_created)
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}"
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "direction": "outbound-api",
            "date_created": stamp,
            "date_updated": stamp,
            "date_sent": format_datetime(self.date_sent) if self.date_sent else None,
            "num_segments": "1",
            "num_media": "0",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "messaging_service_sid": None,
            "uri": f"{uri}.json",
            "subresource_uris": {"media": f"{uri}/Media.json"},
        }


def twilio_error(status: int, code: int, message: str) -> ScriptedFailure:
    """Twilio's JSON error body."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return ScriptedFailure(status, json.dumps(body))


class TwilioFake(FakeApiServer):
    """Twilio's Messages API on a loopback port; `sent` lists what it accepted."""

    def __init__(self, account_sid: str | None = None, auth_token: str | None = None) -> None:
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.sent: list[TwilioMessage] = []
        # Every request as it came: (method, form or query fields), to check request shapes.
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._rejected: dict[str, ScriptedFailure] = {}
        self._held_in_queue = False
        path = f"/{API_VERSION}/Accounts/{{account_sid}}/Messages.json"
        super().__init__(
            [
                Route(path, self._create, methods=["POST"]),
                Route(path, self._list, methods=["GET"]),
            ]
        )

    def fail_next(
        self, count: int = 1, status: int = 500, code: int | None = None, message: str = ""
    ) -> None:
        """Answer the next `count` requests with this Twilio error (code defaults per status)."""
        code = code or {429: 20429, 401: 20003}.get(status, 20500 if status >= 500 else status)
        self.fail_with(count, twilio_error(status, code, message or f"Scripted error {code}"))

    def reject_number(self, number: str, code: int = 21211, message: str = "") -> None:
        """Refuse every message to `number` (with or without `whatsapp:`) with a 400."""
        text = message or f"Invalid 'To' Phone Number: {number}"
        self._rejected[number.removeprefix(WHATSAPP)] = twilio_error(400, code, text)

    def hold_in_queue(self, held: bool = True) -> None:
        """Leave new messages unsent (no `date_sent`), as a backed-up Twilio queue does."""
        self._held_in_queue = held

    def reset(self) -> None:
        """Forget what was sent, rejected numbers, the queue hold and scripted faults."""
        self.sent.clear()
        self.requests.clear()
        self._rejected.clear()
        self._held_in_queue = False
        self.reset_faults()

    async def _create(self, request: Request) -> Response:
        if refusal := self._refusal(request):
            return refusal.response()
        form = dict(parse_qsl((await request.body()).decode()))
        self.requests.append(("POST", form))
        if refusal := self._invalid(form):
            return refusal.response()
        message = TwilioMessage(
            sid="SM" + secrets.token_hex(16),
            account_sid=self.account_sid,
            to=form["To"],
            from_=form["From"],
            body=form["Body"],
            status_callback=form.get("StatusCallback"),
        )
        if not self._held_in_queue:
            message.date_sent = message.date_created
        self.sent.append(message)  # recorded before any delay: the provider has it
        await self._pause_before_answering()
        return JSONResponse(message.resource(), status_code=201)

    async def _list(self, request: Request) -> Response:
        if refusal := self._refusal(request):
            return refusal.response()
        query = request.query_params
        self.requests.append(("GET", dict(query)))
        found = sorted(
            (m for m in list(self.sent) if _matches(m, query)),
            key=lambda m: m.date_created,
            reverse=True,
        )
        size = int(query.get("PageSize", DEFAULT_PAGE_SIZE))
        number = int(query.get("Page", 0))
        page = found[number * size : (number + 1) * size]
        await self._pause_before_answering()
        return JSONResponse(
            _page(request, page, number, size, more=len(found) > (number + 1) * size)
        )

    def _refusal(self, request: Request) -> ScriptedFailure | None:
        if failure := self._next_failure():
            return failure
        if request.headers.get("authorization") != _basic(self.account_sid, self.auth_token):
            return twilio_error(401, 20003, "Authenticate")
        if request.path_params["account_sid"] != self.account_sid:
            return twilio_error(404, 20404, "The requested resource was not found")
        return None

    def _invalid(self, form: dict[str, str]) -> ScriptedFailure | None:
        for name, code in (("To", 21604), ("From", 21603), ("Body", 21602)):
            if not form.get(name):
                return twilio_error(400, code, f"A '{name}' is required.")
        if form["To"].startswith(WHATSAPP) != form["From"].startswith(WHATSAPP):
            return twilio_error(400, 21910, "Invalid 'From' and 'To' pair.")
        return self._rejected.get(form["To"].removeprefix(WHATSAPP))


def _matches(message: TwilioMessage, query: QueryParams) -> bool:
    day = message.date_sent.astimezone(UTC).date() if message.date_sent else None
    for name, keep in (
        ("DateSent", operator.eq),
        ("DateSent>", operator.ge),
        ("DateSent<", operator.le),
    ):
        # The SDK sends a datetime as YYYY-MM-DDTHH:MM:SSZ; Twilio only looks at the day.
        if name in query and (day is None or not keep(day, date.fromisoformat(query[name][:10]))):
            return False
    return query.get("To", message.to) == message.to and (
        query.get("From", message.from_) == message.from_
    )


def _page(
    request: Request, page: list[TwilioMessage], number: int, size: int, *, more: bool
) -> dict[str, Any]:
    filters = {k: v for k, v in request.query_params.items() if k not in ("Page", "PageSize")}

    def uri(page_number: int) -> str:
        query = urlencode({**filters, "PageSize": size, "Page": page_number})
        return f"{request.url.path}?{query}"

    return {
        "messages": [message.resource() for message in page],
        "start": number * size,
        "end": number * size + max(len(page) - 1, 0),
        "page": number,
        "page_size": size,
        "uri": uri(number),
        "first_page_uri": uri(0),
        "next_page_uri": uri(number + 1) if more else None,
        "previous_page_uri": uri(number - 1) if number > 0 else None,
    }


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
