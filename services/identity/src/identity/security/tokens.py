"""Access tokens (RFC 8725): short-lived EdDSA JWTs with the caller's roles per clinic.

`iat` is to the microsecond (a JWT NumericDate may have a fraction): revocations are compared
with it, and a whole second is too coarse for a token refreshed in the second of a revocation.
`sid` names the session (the refresh-token family) the token belongs to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from servicekit.auth import Membership

from identity.security.keys import SigningKey


def issue_access_token(
    key: SigningKey,
    *,
    subject: UUID,
    memberships: Iterable[Membership],
    issuer: str,
    audience: str,
    session_id: UUID | None = None,
    ttl: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> str:
    """Sign an access token for `subject` with the current key, in a session of its own
    unless `session_id` names one."""
    issued = (now or datetime.now(UTC)).timestamp()
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": str(subject),
        "iat": issued,
        "nbf": int(issued),
        "exp": int(issued + ttl.total_seconds()),
        "jti": uuid.uuid4().hex,
        "sid": str(session_id or uuid.uuid4()),
        "roles": [
            {"role": m.role, "clinic_id": str(m.clinic_id) if m.clinic_id else None}
            for m in memberships
        ],
    }
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})
