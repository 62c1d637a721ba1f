"""A message's planned time stays as planned; the dispatcher's times get a column of their own.

`due_at` used to be overwritten by the dispatcher (a claim's lease, a retry's backoff), so a
sent message could show a due time after its sent time. `next_attempt_at` now carries them:
while scheduled, when the dispatcher next takes the row (the planned time, or a retry's); while
sending, when its lease lapses. The claim index moves from `due_at` to `next_attempt_at`.

Existing rows: `next_attempt_at` takes `due_at` as it stands, which is what the dispatcher was
going to use. The planned time of a row the dispatcher claimed was overwritten; it was at or
before the first claim (a row is claimed once due, normally within a round), so `due_at` becomes
that claim's time from the row's history. Rows never claimed kept theirs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status IN ('scheduled', 'sending')")
FIRST_CLAIM = """
UPDATE notify.messages AS m SET due_at = first.at
FROM (
    SELECT message_id, min(at) AS at FROM notify.message_events
    WHERE status = 'sending' GROUP BY message_id
) AS first
WHERE first.message_id = m.id AND first.at < m.due_at
"""


def upgrade() -> None:
    op.add_column(
        "messages",
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        schema="notify",
    )
    op.execute("UPDATE notify.messages SET next_attempt_at = due_at")
    op.execute(FIRST_CLAIM)
    op.alter_column("messages", "next_attempt_at", nullable=False, schema="notify")
    op.drop_index("ix_messages_due", table_name="messages", schema="notify")
    op.create_index(
        "ix_messages_next_attempt",
        "messages",
        ["next_attempt_at"],
        schema="notify",
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    # The old dispatcher claims by `due_at`: unfinished rows take the time it must act at.
    op.execute(f"UPDATE notify.messages SET due_at = next_attempt_at WHERE {PENDING.text}")
    op.drop_index("ix_messages_next_attempt", table_name="messages", schema="notify")
    op.create_index(
        "ix_messages_due", "messages", ["due_at"], schema="notify", postgresql_where=PENDING
    )
    op.drop_column("messages", "next_attempt_at", schema="notify")
