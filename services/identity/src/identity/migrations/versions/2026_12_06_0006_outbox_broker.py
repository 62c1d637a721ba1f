"""The broker cluster the identity outbox last published to (replay after the broker lost data).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from servicekit.migrations import create_outbox_broker_table_v1, drop_outbox_broker_table_v1

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_broker_table_v1("identity")


def downgrade() -> None:
    drop_outbox_broker_table_v1("identity")
