"""Access-token check at the edge; the services check the same token again."""

from __future__ import annotations

from fastapi import Request
from servicekit.auth import JwksVerifier, Principal
from servicekit.problems import Unauthorized

from gateway.routes import is_public


class EdgeVerifier(JwksVerifier):
    """The services' JWKS verifier (which remembers verified tokens while their key is known
    and they have not expired), able to say whether it can verify tokens at all."""

    async def can_verify(self) -> bool:
        """True once the JWKS has been fetched, or when it can be fetched now."""
        if self._keys:
            return True
        try:
            await self._refresh()
        except Unauthorized:
            return False
        return bool(self._keys)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header (maybe empty), else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def is_cors_preflight(request: Request) -> bool:
    """A browser's CORS preflight, which never carries credentials (Fetch standard)."""
    return (
        request.method == "OPTIONS"
        and "origin" in request.headers
        and "access-control-request-method" in request.headers
    )


async def check_bearer_token(request: Request, verifier: JwksVerifier) -> Principal | None:
    """The caller of a request carrying a bearer token; 401 when that token is not valid."""
    token = bearer_token(request)
    if token is None:
        return None
    if not token:
        raise Unauthorized("The bearer access token is empty.")
    return await verifier.verify(token)


async def authenticate(request: Request, verifier: JwksVerifier) -> Principal | None:
    """The verified caller; 401 for a bad token, or for none on a path that is not public."""
    principal = await check_bearer_token(request, verifier)
    if principal is not None:
        return principal
    if is_public(request.method, request.scope["path"]) or is_cors_preflight(request):
        return None
    raise Unauthorized("This endpoint needs a bearer access token.")
