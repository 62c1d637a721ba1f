"""Access tokens (RFC 8725): short-lived EdDSA JWTs with the caller's roles per clinic."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
from servicekit.auth import Membership

from identity.keys import SigningKey


def issue_access_token(
    key: SigningKey,
    *,
    subject: UUID,
    memberships: Iterable[Membership],
    issuer: str,
    audience: str,
    ttl: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> str:
    """Sign an access token for `subject` with the current key."""
    issued = now or datetime.now(UTC)
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": str(subject),
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
        "roles": [
            {"role": m.role, "clinic_id": str(m.clinic_id) if m.clinic_id else None}
            for m in memberships
        ],
    }
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})
