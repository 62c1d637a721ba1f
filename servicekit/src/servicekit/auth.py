"""Access-token verification against the identity service's JWKS, in every service."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servicekit.problems import Forbidden, Unauthorized

if TYPE_CHECKING:
    from servicekit.revocations import RevocationProjection

log = logging.getLogger(__name__)

# RFC 8725: accept exactly the algorithm identity signs with, never what a token claims.
ALGORITHMS = ["EdDSA"]
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "sid"]
# Identity never issues a longer-lived access token (its TTL setting is capped here), and a
# revocation is forgotten once every token it covers has expired: so a token that claims to
# live longer is refused, or it could outlive its revocation.
MAX_ACCESS_TOKEN_TTL_SECONDS = 900
# Clock difference tolerated on exp, nbf and iat (JWT_LEEWAY_SECONDS).
DEFAULT_LEEWAY_SECONDS = 5.0

ORG_ADMIN, CLINIC_ADMIN, PROVIDER, RECEPTIONIST, PATIENT = (
    "org_admin",
    "clinic_admin",
    "provider",
    "receptionist",
    "patient",
)
STAFF_ROLES = (CLINIC_ADMIN, PROVIDER, RECEPTIONIST)


@dataclass(frozen=True)
class Membership:
    """A role held in one clinic, or organisation-wide when `clinic_id` is None."""

    role: str
    clinic_id: UUID | None = None


@dataclass(frozen=True)
class Principal:
    """The verified caller of a request."""

    user_id: UUID
    memberships: tuple[Membership, ...] = field(default_factory=tuple)
    token_id: str = ""
    expires_at: float = 0.0  # the token's exp, seconds since the epoch
    issued_at: float = 0.0  # the token's iat, to the microsecond when identity issued it
    session_id: UUID | None = None  # the token's sid: the refresh-token family it came from

    @property
    def is_org_admin(self) -> bool:
        """Organisation admins may act in every clinic."""
        return any(m.role == ORG_ADMIN for m in self.memberships)

    @property
    def is_patient(self) -> bool:
        """A patient account, which sees only its own records."""
        return any(m.role == PATIENT for m in self.memberships)

    def clinics(self, *roles: str) -> frozenset[UUID]:
        """The clinics where the caller holds one of `roles` (any staff role when none given)."""
        wanted = roles or STAFF_ROLES
        return frozenset(m.clinic_id for m in self.memberships if m.clinic_id and m.role in wanted)

    def has_role(self, clinic_id: UUID, *roles: str) -> bool:
        """Whether the caller holds one of `roles` in the clinic (org admins hold all)."""
        return self.is_org_admin or any(
            m.clinic_id == clinic_id and m.role in roles for m in self.memberships
        )

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        """Build a principal from verified claims; `roles` is [{"role", "clinic_id"}].

        Raises ValueError when the claims do not have that shape.
        """
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(item, dict) for item in roles):
            raise ValueError("the roles claim must be a list of objects")
        memberships = tuple(
            Membership(
                role=str(item["role"]),
                clinic_id=UUID(item["clinic_id"]) if item.get("clinic_id") else None,
            )
            for item in roles
        )
        session = claims["sid"]
        if not isinstance(session, str):
            raise ValueError("the sid claim must be a string")
        issued_at, expires_at = _instant(claims["iat"]), _instant(claims["exp"])
        if expires_at - issued_at > MAX_ACCESS_TOKEN_TTL_SECONDS:
            raise ValueError("the token claims a longer life than access tokens have")
        return cls(
            user_id=UUID(claims["sub"]),
            memberships=memberships,
            token_id=claims["jti"],
            expires_at=expires_at,
            issued_at=issued_at,
            session_id=UUID(session),
        )


def _instant(value: Any) -> float:
    """A NumericDate claim as seconds; PyJWT would also take "123" or true for one."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("a time claim must be a finite number")
    return float(value)


class JwksVerifier:
    """Verifies access tokens; keys are cached and refetched when an unknown `kid` appears.

    With a revocation projection, a token it covers (deactivated account, ended session,
    revoked role) is refused too, from memory: no call to identity per request.

    Tokens whose signature and claims it has checked are remembered until they expire (the
    `cache_size` most recently used): a client sends the same token with every request for up
    to 15 minutes, and the signature check is a large share of a small request's CPU. Only
    exact strings that verified are remembered, each with its signing key's `kid`, and a
    remembered token counts only while that key is among the verifier's keys: a token whose
    key left the JWKS is refused as it would be unremembered. Revocations are checked on
    every request.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        client: httpx.AsyncClient | None = None,
        min_refresh_interval: float = 10.0,
        leeway: float = DEFAULT_LEEWAY_SECONDS,
        revocations: RevocationProjection | None = None,
        cache_size: int = 10_000,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self._client = client or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._min_refresh_interval = min_refresh_interval
        self._leeway = leeway
        self._lock = asyncio.Lock()
        self.revocations = revocations
        self._cache_size = cache_size
        self._verified: OrderedDict[str, tuple[str, Principal]] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        """The principal of a valid, unrevoked token; Unauthorized for anything else."""
        principal = await self.decode(token)
        if self.revocations is not None:
            self.revocations.check(principal)
        return principal

    async def decode(self, token: str) -> Principal:
        """The principal of a token with a good signature and claims (revocations aside),
        remembered when the same token verified before with a key still known."""
        known = self._verified.get(token)
        if known is not None:
            kid, principal = known
            if kid in self._keys and principal.expires_at > time.time():
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        kid, principal = await self._checked(token)
        self._verified[token] = (kid, principal)
        if len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)
        return principal

    async def _checked(self, token: str) -> tuple[str, Principal]:
        """The signing key's kid and the principal of a token, checked in full."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("The access token is malformed.") from exc
        key = await self._key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS},
            )
            return str(kid), Principal.from_claims(claims)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired.") from exc
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError) as exc:
            raise Unauthorized("The access token is not valid.") from exc

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        if not kid:
            raise Unauthorized("The access token names no signing key.")
        if kid not in self._keys:
            await self._refresh()
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("The access token is signed by an unknown key.") from None

    async def _refresh(self) -> None:
        async with self._lock:
            # Bounded refetching: a flood of forged kids must not hammer identity.
            if time.monotonic() - self._fetched_at < self._min_refresh_interval:
                return
            try:
                response = await self._client.get(self.jwks_url)
                response.raise_for_status()
                jwks = jwt.PyJWKSet.from_dict(response.json())
            except (httpx.HTTPError, jwt.PyJWKSetError, ValueError) as exc:
                log.warning("could not fetch the JWKS (%s)", exc)
                raise Unauthorized("Tokens cannot be verified right now.") from exc
            self._fetched_at = time.monotonic()
            self._keys = {key.key_id: key for key in jwks.keys if key.key_id}

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


# auto_error=False: a missing token is our own 401 problem+json, not FastAPI's 403.
bearer_scheme = HTTPBearer(
    auto_error=False, bearerFormat="JWT", description="An access token from POST /v1/auth/token"
)


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    """The caller when a bearer token is sent, else None (public endpoints)."""
    if credentials is None or not credentials.credentials.strip():
        return None
    verifier: JwksVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials.strip())


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The caller; 401 without a valid bearer token."""
    if principal is None:
        raise Unauthorized("This endpoint needs a bearer access token.")
    return principal


async def org_admin(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The caller, who must be an organisation admin."""
    if not principal.is_org_admin:
        raise Forbidden("Only organisation admins may do this.")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]
OrgAdmin = Annotated[Principal, Depends(org_admin)]
