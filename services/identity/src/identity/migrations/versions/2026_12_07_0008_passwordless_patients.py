"""Patients registered at a desk while offline have no password until they set one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from passlib.context import CryptContext

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "identity"


def upgrade() -> None:
    op.alter_column("users", "password_hash", nullable=True, schema=S)


def downgrade() -> None:
    # The old schema needs a hash: one of a password nobody knows keeps such accounts locked.
    unknown = CryptContext(schemes=["argon2"], argon2__type="ID").hash(secrets.token_urlsafe(32))
    op.execute(
        sa.text(
            "UPDATE identity.users SET password_hash = :hash WHERE password_hash IS NULL"
        ).bindparams(hash=unknown)
    )
    op.alter_column("users", "password_hash", nullable=False, schema=S)
