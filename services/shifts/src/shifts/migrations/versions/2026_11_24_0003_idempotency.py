"""Idempotency keys of the shifts schema.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from servicekit.migrations import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_idempotency_table_v1("shifts")


def downgrade() -> None:
    drop_idempotency_table_v1("shifts")
