"""The broker cluster the notify outbox last published to (replay after the broker lost data).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from servicekit.migrations import create_outbox_broker_table_v1, drop_outbox_broker_table_v1

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_broker_table_v1("notify")


def downgrade() -> None:
    drop_outbox_broker_table_v1("notify")
