"""Outbox, outbox lanes and processed events of the reporting schema.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from servicekit.migrations import create_plumbing_tables_v1, drop_plumbing_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_plumbing_tables_v1("reporting")


def downgrade() -> None:
    drop_plumbing_tables_v1("reporting")
