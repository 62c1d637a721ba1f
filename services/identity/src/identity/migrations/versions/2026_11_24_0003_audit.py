"""Audit events: the append-only, hash-chained audit log.

Append-only twice over: the owning role (the service's, which runs the app and these
migrations) gives up UPDATE, DELETE and TRUNCATE on the table, and a row trigger refuses
UPDATE and DELETE from anyone, superusers included, unless triggers are disabled. There is
no TRUNCATE trigger: the test fixtures empty every table with TRUNCATE as an administrator
between tests, and the revoked privilege already stops the service's role.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "identity"
INDEXES = {
    "ix_audit_events_occurred_at": ["occurred_at"],
    "ix_audit_events_actor_id_seq": ["actor_id", "seq"],
    "ix_audit_events_subject_id_seq": ["subject_id", "seq"],
    "ix_audit_events_clinic_id_seq": ["clinic_id", "seq"],
    "ix_audit_events_action_seq": ["action", "seq"],
}
REFUSE_CHANGES = """
CREATE FUNCTION identity.audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'identity.audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never changed or removed; append a new entry instead.';
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Uuid, nullable=True),
        sa.Column("subject_id", sa.Uuid, nullable=True),
        sa.Column("clinic_id", sa.Uuid, nullable=True),
        sa.Column("client_address", sa.Text, nullable=True),
        sa.Column("details", JSONB, nullable=False),
        sa.Column("prev_hash", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
        schema=SCHEMA,
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_events", columns, schema=SCHEMA)
    op.execute(REFUSE_CHANGES)
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON identity.audit_events"
        " FOR EACH ROW EXECUTE FUNCTION identity.audit_events_refuse_change()"
    )
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON identity.audit_events FROM CURRENT_USER")


def downgrade() -> None:
    op.drop_table("audit_events", schema=SCHEMA)
    op.execute("DROP FUNCTION identity.audit_events_refuse_change()")
