"""The gateway's own endpoints: readiness and the merged OpenAPI (Swagger UI: servicekit.docs)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from servicekit.problems import problem_response

from gateway.resources import Resources

router = APIRouter()


@router.get("/readyz", include_in_schema=False)
async def readyz(resources: Resources) -> Response:
    """Ready when tokens can be verified and the revocations in force are loaded; each
    service's health is reported, not required."""
    can_verify, upstreams = await asyncio.gather(
        resources.verifier.can_verify(), resources.upstreams.health()
    )
    loaded = resources.revocation_feed.caught_up.is_set()
    checks = {
        "jwks": "ok" if can_verify else "unreachable",
        "revocations": "ok" if loaded else "loading",
        "upstreams": upstreams,
    }
    if can_verify and loaded:
        return JSONResponse({"status": "ready", "service": "gateway", "checks": checks})
    missing = "the JWKS is unreachable" if not can_verify else "revocations are still loading"
    return problem_response(
        503,
        slug="not-ready",
        detail=f"The gateway cannot verify access tokens yet: {missing}.",
        checks=checks,
    )


@router.get("/openapi.json", include_in_schema=False)
async def merged_openapi(resources: Resources) -> JSONResponse:
    """Every service's API in one document."""
    return JSONResponse(await resources.openapi.document())
