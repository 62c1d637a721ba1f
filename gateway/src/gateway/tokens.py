"""Access-token check at the edge; the services check the same token again."""

from __future__ import annotations

from fastapi import Request
from servicekit.auth import JwksVerifier, Principal
from servicekit.problems import Unauthorized


class EdgeVerifier(JwksVerifier):
    """The services' JWKS verifier, able to say whether it can verify tokens at all."""

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


async def check_bearer_token(request: Request, verifier: JwksVerifier) -> Principal | None:
    """The caller of a request carrying a bearer token; 401 when that token is not valid."""
    token = bearer_token(request)
    if token is None:
        return None  # public endpoints exist; the owning service decides what needs a token
    if not token:
        raise Unauthorized("The bearer access token is empty.")
    return await verifier.verify(token)
