"""The offline sync: mutation outcomes, the change log, the conflict inbox, patients' names
and phones, appointment origin.

The change log is written by triggers, so no write path (API, consumer, sweep, a migration)
can change a row a device keeps without telling the next pull. A row names the clinic whose
devices must hear of it; leave, staff names and patients belong to no one clinic, so their
triggers write one row per clinic concerned (where the staff member works, where the patient
is in the directory). `txid` is the writing transaction: a pull hands out the oldest
transaction still running as its cursor, so a change committed later is never skipped.

Mutation outcomes are the audit record of what devices did offline: the service's role gives
up UPDATE, DELETE and TRUNCATE on them, as on the appointment history.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.text("now()")
_TXID = sa.text("pg_current_xact_id()::text::bigint")

# Trigger functions: (name, table, body). Each body runs FOR EACH ROW with NEW/OLD.
_LOGGERS = [
    (
        "sync_log_appointment",
        "appointments",
        # Holds are not sent to devices (availability covers them); a hold turned booked is.
        """
        IF TG_OP <> 'DELETE' AND NEW.status <> 'pending' THEN
            INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
            VALUES (NEW.clinic_id, 'appointment', NEW.id);
            IF NEW.patient_id IS NOT NULL THEN
                INSERT INTO booking.clinic_patients (clinic_id, patient_id)
                VALUES (NEW.clinic_id, NEW.patient_id) ON CONFLICT DO NOTHING;
            END IF;
        ELSIF TG_OP <> 'INSERT' AND OLD.status <> 'pending' THEN
            INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
            VALUES (OLD.clinic_id, 'appointment', OLD.id);
        END IF;
        """,
    ),
    ("sync_log_shift", "shift_windows", "shift", "shift_id"),
    ("sync_log_type", "appointment_types", "type", "id"),
    ("sync_log_room", "rooms", "room", "id"),
    (
        "sync_log_staff_role",
        "staff_roles",
        """
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        SELECT r.clinic_id, 'provider', r.staff_id
        FROM (SELECT NEW.clinic_id, NEW.staff_id WHERE TG_OP <> 'DELETE'
              UNION SELECT OLD.clinic_id, OLD.staff_id WHERE TG_OP <> 'INSERT') AS r;
        """,
    ),
    (
        "sync_log_staff",
        "staff",
        """
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        SELECT DISTINCT clinic_id, 'provider', staff_id FROM booking.staff_roles
        WHERE staff_id = COALESCE(NEW.id, OLD.id) AND role = 'provider';
        """,
    ),
    (
        "sync_log_leave",
        "leave_windows",
        """
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        SELECT DISTINCT clinic_id, 'leave', COALESCE(NEW.leave_id, OLD.leave_id)
        FROM booking.staff_roles WHERE staff_id IN (NEW.staff_id, OLD.staff_id);
        """,
    ),
    (
        "sync_log_patient",
        "patients",
        """
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        SELECT clinic_id, 'patient', patient_id FROM booking.clinic_patients
        WHERE patient_id = COALESCE(NEW.id, OLD.id);
        """,
    ),
    (
        "sync_log_clinic_patient",
        "clinic_patients",
        """
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        VALUES (NEW.clinic_id, 'patient', NEW.patient_id);
        """,
    ),
]


def _body(entry: tuple[str, ...]) -> str:
    if len(entry) == 3:
        return entry[2]
    _, _, entity, key = entry
    return f"""
        INSERT INTO booking.sync_changes (clinic_id, entity, entity_id)
        SELECT c.clinic_id, '{entity}', c.key
        FROM (SELECT NEW.clinic_id, NEW.{key} AS key WHERE TG_OP <> 'DELETE'
              UNION SELECT OLD.clinic_id, OLD.{key} WHERE TG_OP <> 'INSERT') AS c;
    """  # noqa: S608 - this module's own table, entity and column names


def upgrade() -> None:
    _appointment_origin()
    _tables()
    for entry in _LOGGERS:
        name, table = entry[0], entry[1]
        op.execute(
            f"CREATE FUNCTION booking.{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{_body(entry)}\n    RETURN NULL;\nEND\n$$"
        )
        events = "INSERT" if table == "clinic_patients" else "INSERT OR UPDATE OR DELETE"
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON booking.{table}"
            f" FOR EACH ROW EXECUTE FUNCTION booking.{name}()"
        )
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON booking.sync_mutations FROM CURRENT_USER")


def _appointment_origin() -> None:
    op.add_column(
        "appointments",
        sa.Column("origin", sa.Text(), server_default="online", nullable=False),
        schema="booking",
    )
    op.add_column(
        "appointments", sa.Column("device_id", sa.Uuid(), nullable=True), schema="booking"
    )
    op.add_column(
        "appointments",
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        schema="booking",
    )
    op.create_check_constraint(
        "ck_appointments_origin",
        "appointments",
        "origin IN ('online', 'offline') AND (origin = 'offline') = (device_id IS NOT NULL)",
        schema="booking",
    )


def _tables() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        schema="booking",
    )
    op.create_table(
        "clinic_patients",
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.PrimaryKeyConstraint("clinic_id", "patient_id", name=op.f("pk_clinic_patients")),
        schema="booking",
    )
    op.execute(
        "INSERT INTO booking.clinic_patients (clinic_id, patient_id)"
        " SELECT DISTINCT clinic_id, patient_id FROM booking.appointments"
        " WHERE patient_id IS NOT NULL AND status <> 'pending'"
    )
    op.create_table(
        "sync_changes",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("txid", sa.BigInteger(), server_default=_TXID, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_changes")),
        schema="booking",
    )
    op.create_index(
        "ix_sync_changes_clinic_txid", "sync_changes", ["clinic_id", "txid"], schema="booking"
    )
    op.create_index("ix_sync_changes_changed_at", "sync_changes", ["changed_at"], schema="booking")
    op.create_table(
        "sync_mutations",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("creates", sa.Uuid(), nullable=True),
        sa.Column("outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint(
            "status IN ('applied', 'conflict', 'rejected', 'blocked')",
            name=op.f("ck_sync_mutations_status"),
        ),
        sa.PrimaryKeyConstraint("device_id", "mutation_id", name=op.f("pk_sync_mutations")),
        schema="booking",
    )
    op.create_table(
        "offline_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clinic_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("type_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("walk_in", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("problem", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("alternatives", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.CheckConstraint(
            "kind IN ('book', 'reschedule')", name=op.f("ck_offline_conflicts_kind")
        ),
        sa.CheckConstraint(
            "(status = 'open' AND resolution IS NULL)"
            " OR (status = 'resolved' AND resolution IN ('booked', 'waitlisted', 'cancelled'))",
            name=op.f("ck_offline_conflicts_resolution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_conflicts")),
        sa.UniqueConstraint("device_id", "mutation_id", name="uq_offline_conflicts_mutation"),
        schema="booking",
    )
    op.create_index(
        "ix_offline_conflicts_clinic",
        "offline_conflicts",
        ["clinic_id", "status", "created_at", "id"],
        schema="booking",
    )


def downgrade() -> None:
    for entry in reversed(_LOGGERS):
        name, table = entry[0], entry[1]
        op.execute(f"DROP TRIGGER {name} ON booking.{table}")
        op.execute(f"DROP FUNCTION booking.{name}()")
    op.drop_table("offline_conflicts", schema="booking")
    op.drop_table("sync_mutations", schema="booking")
    op.drop_table("sync_changes", schema="booking")
    op.drop_table("clinic_patients", schema="booking")
    op.drop_table("patients", schema="booking")
    op.drop_constraint("ck_appointments_origin", "appointments", schema="booking")
    for column in ("recorded_at", "device_id", "origin"):
        op.drop_column("appointments", column, schema="booking")
