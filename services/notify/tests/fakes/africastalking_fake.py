"""A local fake of Africa's Talking's bulk SMS API, enough for `africastalking` 2.x.

Implements `POST /version1/messaging` (the SDK's `SMSService.send`): form fields `username`,
`to` (comma-separated numbers), `message`, `from` (optional), `bulkSMSMode` and `enqueue`
(ignored); the `apiKey` header and `username` must match (else 401, plain text, as Africa's
Talking answers). Answers 201, content type exactly `application/json` (the SDK decodes
nothing else):

    {"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: KES 0.8000",
      "Recipients": [{"statusCode": 101, "number": "+254...", "status": "Success",
                      "cost": "KES 0.8000", "messageId": "ATXid_..."}]}}

A number given to `reject_number` gets that recipient status code instead (e.g. 403
InvalidPhoneNumber), with `messageId` "None" and cost "0", as the real API reports a refusal.
Simplification: no delivery reports are posted.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .server import FakeApiServer, ScriptedFailure

COST = "KES 0.8000"
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


@dataclass(frozen=True)
class AfricasTalkingMessage:
    """One recipient's message the fake accepted."""

    message_id: str
    username: str
    api_key: str
    to: str
    message: str
    sender_id: str | None


class AfricasTalkingFake(FakeApiServer):
    """Africa's Talking's messaging API on a loopback port; `sent` lists what it accepted."""

    def __init__(self, username: str = "clinic", api_key: str = "test-api-key") -> None:
        self.username = username
        self.api_key = api_key
        self.sent: list[AfricasTalkingMessage] = []
        self._rejected: dict[str, int] = {}
        super().__init__([Route("/version1/messaging", self._send, methods=["POST"])])

    def fail_next(self, count: int = 1, status: int = 500, body: str = "") -> None:
        """Answer the next `count` requests with this HTTP status and plain-text body."""
        text = body or f"Scripted error {status}"
        self.fail_with(count, ScriptedFailure(status, text, media_type="text/plain"))

    def reject_number(self, number: str, status_code: int = 403) -> None:
        """Refuse every message to `number` with this recipient status code."""
        self._rejected[number] = status_code

    def reset(self) -> None:
        """Forget what was sent, rejected numbers and scripted faults."""
        self.sent.clear()
        self._rejected.clear()
        self.reset_faults()

    async def _send(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        if refusal := self._refusal(request, form):
            return refusal.response()
        recipients = [self._deliver(request, form, n.strip()) for n in form["to"].split(",")]
        await self._pause_before_answering()
        taken = sum(1 for r in recipients if r["statusCode"] in (100, 101, 102))
        total = f"KES {0.8 * taken:.4f}" if taken else "0"
        summary = {"Message": f"Sent to {taken}/{len(recipients)} Total Cost: {total}"}
        body = {"SMSMessageData": {**summary, "Recipients": recipients}}
        return Response(json.dumps(body), status_code=201, media_type="application/json")

    def _refusal(self, request: Request, form: dict[str, str]) -> ScriptedFailure | None:
        if failure := self._next_failure():
            return failure
        key = request.headers.get("apikey")
        if key != self.api_key or form.get("username") != self.username:
            return ScriptedFailure(401, "The supplied authentication is invalid", "text/plain")
        for name in ("to", "message"):
            if not form.get(name):
                text = f"Request is missing required form field '{name}'"
                return ScriptedFailure(400, text, "text/plain")
        return None

    def _deliver(self, request: Request, form: dict[str, str], number: str) -> dict[str, Any]:
        if code := self._rejected.get(number):
            name = STATUS_NAMES.get(code, "Failed")
            return {
                "statusCode": code,
                "number": number,
                "status": name,
                "cost": "0",
                "messageId": "None",
            }
        message = AfricasTalkingMessage(
            message_id="ATXid_" + secrets.token_hex(16),
            username=form["username"],
            api_key=request.headers["apikey"],
            to=number,
            message=form["message"],
            sender_id=form.get("from"),
        )
        self.sent.append(message)  # recorded before any delay: the provider has it
        return {
            "statusCode": 101,
            "number": number,
            "status": "Success",
            "cost": COST,
            "messageId": message.message_id,
        }
