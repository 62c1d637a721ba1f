"""RFC 9457 problem+json for every error a service returns; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicekit.problem_types import ProblemSlug

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:clinic:problem:"
log = logging.getLogger(__name__)


class Problem(Exception):  # noqa: N818 - RFC 9457 calls it a problem
    """A domain error with a status code, a stable type slug and a human detail."""

    status: int = 400
    slug: ProblemSlug = "bad-request"
    title: str | None = None

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        slug: ProblemSlug | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(Problem):
    status = 404
    slug: ProblemSlug = "not-found"


class Conflict(Problem):
    status = 409
    slug: ProblemSlug = "conflict"


class Unauthorized(Problem):
    status = 401
    slug: ProblemSlug = "unauthorized"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extensions)


class Forbidden(Problem):
    status = 403
    slug: ProblemSlug = "forbidden"


def problem_response(
    status: int,
    *,
    slug: ProblemSlug | None = None,
    detail: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """Build an application/problem+json response."""
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{slug}" if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def render_problem(exc: Problem, instance: str | None = None) -> JSONResponse:
    """The problem+json response of a domain error."""
    return problem_response(
        exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        instance=instance,
        headers=exc.headers,
        **exc.extensions,
    )


def _field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    # Echoing the rejected input could leak secrets (passwords), so only where and why.
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "code": e["type"]}
        for e in errors
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Route every exception a request can raise to a problem+json response."""
    app.exception_handler(Problem)(_domain)
    app.exception_handler(RequestValidationError)(_validation)
    app.exception_handler(StarletteHTTPException)(_http)
    app.exception_handler(sa_exc.TimeoutError)(_pool_exhausted)
    app.exception_handler(sa_exc.InterfaceError)(_database_unavailable)
    app.exception_handler(sa_exc.OperationalError)(_database_unavailable)
    app.exception_handler(Exception)(_unexpected)


async def _domain(request: Request, exc: Problem) -> JSONResponse:
    return render_problem(exc, request.url.path)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return problem_response(
        422,
        slug="validation-error",
        detail="The request is not valid.",
        instance=request.url.path,
        errors=_field_errors(exc.errors()),
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem_response(
        exc.status_code,
        detail=str(exc.detail) if exc.detail else None,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _pool_exhausted(request: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
    # Every pooled connection stayed busy past the pool's timeout: the service is
    # saturated, which is not the request's fault and may pass.
    log.warning("no database connection came free in time on %s", request.url.path)
    return problem_response(
        503,
        slug="busy",
        detail="The service is too busy to complete this request now; please try again.",
        instance=request.url.path,
        headers={"Retry-After": "1"},
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database error on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        503,
        slug="database-unavailable",
        detail="The database cannot be reached right now; please try again shortly.",
        instance=request.url.path,
        headers={"Retry-After": "5"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        500,
        detail="An unexpected error occurred; it has been logged.",
        instance=request.url.path,
    )
