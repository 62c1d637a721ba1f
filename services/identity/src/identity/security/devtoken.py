"""`python -m identity dev-token`: an access token for trying the API on the local stack.

Signs with the local signing key, so it works only where that key is readable; refused when
ENVIRONMENT=production.
"""

from __future__ import annotations

import argparse
import os
import uuid
from datetime import timedelta
from uuid import UUID

from servicekit.auth import Membership

from identity.security.keys import KeyRing
from identity.security.tokens import issue_access_token
from identity.settings import Settings

ROLES = ("org_admin", "clinic_admin", "provider", "receptionist", "patient")


def main(argv: list[str]) -> int:
    """Print a token for --role (and --clinic for clinic roles)."""
    parser = argparse.ArgumentParser(prog="python -m identity dev-token")
    parser.add_argument("--role", choices=ROLES, default="org_admin")
    parser.add_argument("--clinic", type=UUID, help="the clinic a clinic role applies to")
    parser.add_argument("--subject", type=UUID, default=None)
    args = parser.parse_args(argv)
    if os.environ.get("ENVIRONMENT", "development") == "production":
        parser.error("development tokens are refused when ENVIRONMENT=production")
    settings = Settings()
    if args.role != "org_admin" and args.clinic is None:
        parser.error(f"--clinic is required for the {args.role} role")
    ring = KeyRing(settings.keys_dir, create_if_missing=False)
    print(
        issue_access_token(
            ring.current,
            subject=args.subject or uuid.uuid4(),
            memberships=[Membership(args.role, args.clinic)],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        )
    )
    return 0
