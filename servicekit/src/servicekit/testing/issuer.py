"""A stand-in for identity's signing key in service tests: signs tokens, serves their JWKS.

The service under test verifies tokens exactly as in production (JwksVerifier, EdDSA, iss,
aud, exp); only the JWKS document comes from this object instead of identity's endpoint.
End-to-end tests use the real identity service.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from servicekit.auth import JwksVerifier, Membership
from servicekit.revocations import RevocationProjection
from servicekit.testing.bad_tokens import _public_jwk, valid_token
from servicekit.testing.tokens import AUDIENCE, ISSUER

JWKS_URL = "http://identity.test/.well-known/jwks.json"


class TokenIssuer:
    """Signs access tokens as identity does, for callers holding given memberships."""

    def __init__(self, issuer: str = ISSUER, audience: str = AUDIENCE) -> None:
        self.issuer, self.audience = issuer, audience
        self.kid = uuid.uuid4().hex
        self._key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        """The JWKS document naming this issuer's public key."""
        return {"keys": [{**_public_jwk(self._key, self.kid), "use": "sig", "alg": "EdDSA"}]}

    def verifier(self, revocations: RevocationProjection | None = None) -> JwksVerifier:
        """A verifier that fetches this issuer's JWKS (and refuses what `revocations` covers)."""
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=self.jwks()))
        return JwksVerifier(
            JWKS_URL,
            issuer=self.issuer,
            audience=self.audience,
            client=httpx.AsyncClient(transport=transport),
            revocations=revocations,
        )

    def token(
        self, subject: uuid.UUID, *memberships: Membership, session_id: uuid.UUID | None = None
    ) -> str:
        """A token for `subject` holding `memberships`, in its own session unless one is given."""
        roles = [
            {"role": m.role, "clinic_id": str(m.clinic_id) if m.clinic_id else None}
            for m in memberships
        ]
        return valid_token(
            self._key,
            self.kid,
            issuer=self.issuer,
            audience=self.audience,
            sub=str(subject),
            sid=str(session_id or uuid.uuid4()),
            roles=roles,
        )

    def headers(self, subject: uuid.UUID, *memberships: Membership) -> dict[str, str]:
        """The Authorization header of `token(...)`."""
        return {"Authorization": f"Bearer {self.token(subject, *memberships)}"}
