"""`python -m identity create-admin`: the first organisation admin, who creates everyone else.

The password comes from IDENTITY_ADMIN_PASSWORD or, when that is unset, a prompt; it is never
taken from the command line, where other users of the machine could read it.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import uuid

from pydantic import SecretStr, ValidationError
from servicekit.auth import ORG_ADMIN, Membership, Principal
from servicekit.db import create_engine, session_factory
from servicekit.problems import Problem

from identity.security.password_strength import PasswordPolicy
from identity.settings import Settings
from identity.users import repository, service
from identity.users.schemas import MembershipGrant, StaffCreate

# The admin is created by the installer, not by a person with an account.
INSTALLER = Principal(user_id=uuid.UUID(int=0), memberships=(Membership(ORG_ADMIN),))


async def create_admin(
    settings: Settings, *, email: str, full_name: str, password: str, if_missing: bool
) -> str:
    """Create an org admin; returns what happened, for the command's output."""
    engine = create_engine(settings.database_url.get_secret_value())
    try:
        async with session_factory(engine)() as session, session.begin():
            if if_missing and await repository.by_email(session, email):
                return f"{email} already exists; nothing to do"
            data = StaffCreate(
                full_name=full_name,
                email=email,
                password=SecretStr(password),
                memberships=[MembershipGrant(role=ORG_ADMIN)],
            )
            user = await service.create_staff(
                session=session,
                actor=INSTALLER,
                data=data,
                policy=PasswordPolicy(settings.password_min_length, settings.password_min_score),
                client="cli",
            )
            return f"organisation admin {email} created with id {user.id}"
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    """Parse the arguments, read the password, create the admin."""
    parser = argparse.ArgumentParser(prog="python -m identity create-admin")
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", default="Organisation Admin")
    parser.add_argument(
        "--if-missing", action="store_true", help="succeed quietly when the email exists"
    )
    args = parser.parse_args(argv)
    password = os.environ.get("IDENTITY_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        outcome = asyncio.run(
            create_admin(
                Settings(),
                email=args.email,
                full_name=args.name,
                password=password,
                if_missing=args.if_missing,
            )
        )
    except (Problem, ValidationError) as exc:
        print(f"cannot create the admin: {exc}", file=sys.stderr)
        return 1
    print(outcome)
    return 0
