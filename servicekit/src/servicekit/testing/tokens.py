"""Access-token claims as identity issues them, for tests that sign their own tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

ISSUER, AUDIENCE = "clinic-identity", "clinic-api"


def access_claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for a 15-minute token; an override of None removes that claim."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "iat": now.timestamp(),  # to the microsecond, as identity issues it
        "nbf": now,
        "exp": now + timedelta(minutes=15),
        "jti": uuid.uuid4().hex,
        "sid": str(uuid.uuid4()),
        "roles": [{"role": "patient", "clinic_id": None}],
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}
