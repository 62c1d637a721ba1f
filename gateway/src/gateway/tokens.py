"""Access-token check at the edge; the services check the same token again."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from fastapi import Request
from servicekit.auth import JwksVerifier, Principal
from servicekit.problems import Unauthorized

from gateway.routes import is_public


class EdgeVerifier(JwksVerifier):
    """The services' JWKS verifier, able to say whether it can verify tokens at all.

    Tokens whose signature and claims it has checked are remembered until they expire: a client
    sends the same token with every request for up to 15 minutes, and checking it again each
    time is the gateway's largest cost after proxying. Only exact strings that verified are
    remembered, and revocations are checked on every request, remembered tokens included.
    """

    def __init__(self, *args: Any, cache_size: int = 10_000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache_size = cache_size
        self._verified: OrderedDict[str, Principal] = OrderedDict()

    async def decode(self, token: str) -> Principal:
        """The principal of a well-signed token, from the cache when it was decoded before."""
        known = self._verified.get(token)
        if known is not None and known.expires_at > time.time():
            self._verified.move_to_end(token)
            return known
        principal = await super().decode(token)
        self._verified[token] = principal
        if len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)
        return principal

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
