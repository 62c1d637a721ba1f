"""POST /v1/sync/push: the gateway's own route, sending each run of a device's batch to the
service that owns it (docs/offline-sync.md, "Push"; the runs are planned in sync_push.py).

The route reads the body itself, so the byte limit holds before anything is parsed. A service
that cannot be reached, or answers 5xx, ends the push with 503: what it applied stays applied,
and the device pushes the same batch again, which the services' stored outcomes make safe.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, cast

import httpx
from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from prometheus_client import Counter
from pydantic import ValidationError
from servicekit.auth import bearer_scheme
from servicekit.problems import PROBLEM_JSON, Problem

from gateway.headers import upstream_request_headers
from gateway.proxy import UPSTREAM_RESPONSES, BodyTooLarge, client_view
from gateway.ratelimit import spend_user_budget
from gateway.settings import Settings
from gateway.sync_push import (
    PushProgress,
    SyncMutation,
    SyncOutcome,
    SyncPush,
    SyncPushResult,
    runs,
)
from gateway.tokens import authenticate

if TYPE_CHECKING:  # resources -> openapi imports this module's document
    from gateway.resources import GatewayResources

log = logging.getLogger(__name__)
PATH = "/v1/sync/push"
# The caller's headers a service needs: who (the token) and the trace; the gateway adds the
# forwarding ones and the request id.
PASSED_ON = frozenset({b"authorization", b"traceparent", b"tracestate"})

SYNC_OUTCOMES = Counter(
    "gateway_sync_push_outcomes_total",
    "Mutations of offline sync pushes by owning service and outcome",
    ["service", "status"],
)

router = APIRouter()


class PushStopped(Problem):
    """A service of the push is unreachable or failing: push the same batch again later."""

    status, slug = 503, "upstream-unavailable"


@router.post(
    PATH,
    response_model=SyncPushResult,
    tags=["sync"],
    summary="Push a device's queued changes",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SyncPush"}}},
        }
    },
)
async def push(request: Request) -> Response:
    """Apply a front desk device's queued mutations, in `seq` order, each by the service that
    owns it, each once: one outcome per mutation (`applied`, `conflict`, `rejected`,
    `blocked`). A batch pushed again answers the same outcomes and changes nothing.

    Front desk staff (receptionists, clinic admins) of `clinic_id`, and org admins; anyone else
    gets 403 and nothing is applied. More than GATEWAY_SYNC_PUSH_MAX_MUTATIONS mutations or
    GATEWAY_SYNC_PUSH_MAX_BYTES bytes: 413, nothing applied. A service that cannot be reached:
    503, push the same batch again.
    """
    resources = cast("GatewayResources", request.app.state.resources)
    principal = await authenticate(request, resources.verifier)
    if principal is not None:
        spend_user_budget(request, resources.user_limiter, str(principal.user_id))
    batch = await _read_batch(request, resources.settings)
    progress = PushProgress()
    for service, run in runs(batch.mutations):
        to_send = progress.prepare(run)
        if not to_send:
            continue
        answer = await _send_run(request, resources, service, batch, to_send, progress)
        if isinstance(answer, Response):
            return answer  # the service refused the whole run (403, 413, 422): as it said
        by_id = {m.id: m for m in to_send}
        for outcome in answer:
            progress.record(by_id[outcome.id], outcome)
            SYNC_OUTCOMES.labels(service, outcome.status).inc()
    result = SyncPushResult(outcomes=progress.sorted_outcomes())
    return JSONResponse(result.model_dump(mode="json", exclude_none=True))


async def _read_batch(request: Request, settings: Settings) -> SyncPush:
    limit = settings.sync_push_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"A push may be at most {limit} bytes.", limit=limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(f"A push may be at most {limit} bytes.", limit=limit)
    try:
        batch = SyncPush.model_validate_json(bytes(body))
    except ValidationError as invalid:
        raise _invalid(invalid) from invalid
    most = settings.sync_push_max_mutations
    if len(batch.mutations) > most:
        raise BodyTooLarge(f"A push may hold at most {most} mutations.", limit=most)
    if len({m.id for m in batch.mutations}) < len(batch.mutations):
        raise Problem("Each mutation id may appear once.", status=422, slug="validation-error")
    return batch


def _invalid(invalid: ValidationError) -> Problem:
    # Where and why only: the input itself is patients' details.
    errors = [
        {"field": ".".join(map(str, e["loc"])), "message": e["msg"], "code": e["type"]}
        for e in invalid.errors()
    ]
    return Problem("The push is not valid.", status=422, slug="validation-error", errors=errors)


async def _send_run(
    request: Request,
    resources: GatewayResources,
    service: str,
    batch: SyncPush,
    run: list[SyncMutation],
    progress: PushProgress,
) -> list[SyncOutcome] | Response:
    """The run's outcomes; or the service's refusal of the whole run, to answer as it is."""
    body = {
        "device_id": str(batch.device_id),
        "clinic_id": str(batch.clinic_id),
        "mutations": [m.model_dump(mode="json") for m in run],
        "failed": [str(f) for f in progress.failed],
    }
    try:
        answer = await _post(request, resources, service, body)
    except httpx.HTTPError as exc:
        log.warning("sync push: the %s service failed: %r", service, exc)
        UPSTREAM_RESPONSES.labels(service, "unavailable").inc()
        raise _stopped(service) from exc
    UPSTREAM_RESPONSES.labels(service, str(answer.status_code)).inc()
    if answer.status_code >= 500:
        raise _stopped(service)
    if answer.status_code != 200:
        media_type = answer.headers.get("content-type", PROBLEM_JSON)
        return Response(answer.content, status_code=answer.status_code, media_type=media_type)
    return _outcomes(service, answer, run)


async def _post(
    request: Request, resources: GatewayResources, service: str, body: dict[str, Any]
) -> httpx.Response:
    settings = resources.settings
    passed = [(n, v) for n, v in request.scope["headers"] if n.lower() in PASSED_ON]
    headers = upstream_request_headers(
        passed, client_view(request), trust_forwarded_for=settings.trust_forwarded_for
    )
    headers.append((b"content-type", b"application/json"))
    client = resources.upstreams.client(service)
    timeout = httpx.Timeout(
        settings.sync_push_timeout_seconds, connect=settings.upstream_connect_timeout_seconds
    )
    return await client.post(
        PATH, content=json.dumps(body).encode(), headers=headers, timeout=timeout
    )


def _outcomes(service: str, answer: httpx.Response, run: list[SyncMutation]) -> list[SyncOutcome]:
    try:
        outcomes = SyncPushResult.model_validate_json(answer.content).outcomes
    except ValidationError as exc:
        raise _broken(service) from exc
    if sorted(o.id for o in outcomes) != sorted(m.id for m in run):
        raise _broken(service)
    return outcomes


def _stopped(service: str) -> PushStopped:
    return PushStopped(
        f"The {service} service cannot apply changes now; push the same batch again shortly. "
        "What was applied stays applied, and will not be applied twice.",
        headers={"Retry-After": "5"},
        service=service,
    )


def _broken(service: str) -> Problem:
    log.warning("sync push: the %s service answered outcomes that do not match the run", service)
    return Problem(
        f"The {service} service answered the push wrongly.",
        status=502,
        slug="bad-upstream-response",
        service=service,
    )


def push_openapi() -> dict[str, Any]:
    """The OpenAPI document of the gateway's own route, to merge with the services'."""
    document = get_openapi(title="gateway", version="1", routes=router.routes)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    request_schema = SyncPush.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(request_schema.pop("$defs", {}))
    schemas["SyncPush"] = request_schema
    # The services' scheme, word for word, so the merge keeps one Authorize for all.
    document["components"]["securitySchemes"] = {
        "HTTPBearer": bearer_scheme.model.model_dump(by_alias=True, exclude_none=True, mode="json")
    }
    document["security"] = [{"HTTPBearer": []}]
    return document
