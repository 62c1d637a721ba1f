"""Appointments (holds included) with their no-double-booking constraints, their append-only
history, rooms, the waitlist and idempotency keys.

The history is append-only as identity's audit log is: the service's role gives up UPDATE,
DELETE and TRUNCATE on it, and a row trigger refuses UPDATE and DELETE from anyone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 05:51:25.834885
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from servicekit.migrations import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


REFUSE_CHANGES = """
CREATE FUNCTION booking.appointment_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'booking.appointment_history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    op.create_table('appointment_history',
    sa.Column('seq', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('appointment_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('client_address', sa.Text(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_appointment_history')),
    schema='booking'
    )
    op.create_index('ix_appointment_history_appointment', 'appointment_history', ['appointment_id', 'seq'], unique=False, schema='booking')
    op.create_table('appointments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('type_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=True),
    sa.Column('room_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), sa.Computed('tstzrange(starts_at, ends_at)', persisted=True), nullable=False),
    sa.Column('blocked', postgresql.TSTZRANGE(), sa.Computed('tstzrange(blocked_from, blocked_until)', persisted=True), nullable=False),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('waitlist_entry_id', sa.Uuid(), nullable=True),
    sa.Column('booked_by', sa.Text(), nullable=True),
    sa.Column('walk_in', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('overbooked', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('overbook_reason', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.Uuid(), nullable=True),
    sa.Column('cancelled_by_party', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('needs_reschedule', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('needs_reschedule_reason', sa.Text(), nullable=True),
    postgresql.ExcludeConstraint((sa.column('patient_id'), '='), (sa.column('during'), '&&'), where=sa.text("status IN ('pending', 'booked', 'arrived', 'checked-in') AND patient_id IS NOT NULL"), using='gist', name='ex_appointments_patient_busy'),
    postgresql.ExcludeConstraint((sa.column('provider_id'), '='), (sa.column('blocked'), '&&'), where=sa.text("status IN ('pending', 'booked', 'arrived', 'checked-in') AND NOT overbooked"), using='gist', name='ex_appointments_provider_busy'),
    postgresql.ExcludeConstraint((sa.column('room_id'), '='), (sa.column('blocked'), '&&'), where=sa.text("status IN ('pending', 'booked', 'arrived', 'checked-in') AND room_id IS NOT NULL"), using='gist', name='ex_appointments_room_busy'),
    sa.CheckConstraint("(status = 'pending') = (hold_expires_at IS NOT NULL)", name=op.f('ck_appointments_hold')),
    sa.CheckConstraint('NOT overbooked OR overbook_reason IS NOT NULL', name=op.f('ck_appointments_overbook_reason')),
    sa.CheckConstraint('blocked_from <= starts_at AND blocked_until >= ends_at', name=op.f('ck_appointments_blocked_covers_visit')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_appointments_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    schema='booking'
    )
    op.create_index('ix_appointments_clinic_starts', 'appointments', ['clinic_id', 'starts_at', 'id'], unique=False, schema='booking')
    op.create_index('ix_appointments_hold_expiry', 'appointments', ['hold_expires_at'], unique=False, schema='booking', postgresql_where=sa.text("status = 'pending'"))
    op.create_index('ix_appointments_patient_starts', 'appointments', ['patient_id', 'starts_at', 'id'], unique=False, schema='booking')
    op.create_index('ix_appointments_provider_starts', 'appointments', ['provider_id', 'starts_at', 'id'], unique=False, schema='booking')
    create_idempotency_table_v1('booking')
    op.create_table('rooms',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
    sa.UniqueConstraint('clinic_id', 'name', name='uq_rooms_clinic_name'),
    schema='booking'
    )
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('type_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('patient_id', sa.Uuid(), nullable=False),
    sa.Column('earliest', sa.DateTime(timezone=True), nullable=False),
    sa.Column('latest', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Text(), server_default='waiting', nullable=False),
    sa.Column('hold_id', sa.Uuid(), nullable=True),
    sa.Column('offers_made', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'offered', 'booked', 'cancelled', 'lapsed')", name=op.f('ck_waitlist_entries_status')),
    sa.CheckConstraint('latest > earliest', name=op.f('ck_waitlist_entries_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries')),
    schema='booking'
    )
    op.create_index('ix_waitlist_entries_patient', 'waitlist_entries', ['patient_id', 'created_at'], unique=False, schema='booking')
    op.create_index('ix_waitlist_entries_waiting', 'waitlist_entries', ['clinic_id', 'type_id', 'created_at'], unique=False, schema='booking', postgresql_where=sa.text("status = 'waiting'"))
    op.execute(REFUSE_CHANGES)
    op.execute(
        "CREATE TRIGGER appointment_history_append_only BEFORE UPDATE OR DELETE"
        " ON booking.appointment_history"
        " FOR EACH ROW EXECUTE FUNCTION booking.appointment_history_refuse_change()"
    )
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON booking.appointment_history FROM CURRENT_USER")


def downgrade() -> None:
    op.drop_index('ix_waitlist_entries_waiting', table_name='waitlist_entries', schema='booking', postgresql_where=sa.text("status = 'waiting'"))
    op.drop_index('ix_waitlist_entries_patient', table_name='waitlist_entries', schema='booking')
    op.drop_table('waitlist_entries', schema='booking')
    op.drop_table('rooms', schema='booking')
    drop_idempotency_table_v1('booking')
    op.drop_index('ix_appointments_provider_starts', table_name='appointments', schema='booking')
    op.drop_index('ix_appointments_patient_starts', table_name='appointments', schema='booking')
    op.drop_index('ix_appointments_hold_expiry', table_name='appointments', schema='booking', postgresql_where=sa.text("status = 'pending'"))
    op.drop_index('ix_appointments_clinic_starts', table_name='appointments', schema='booking')
    op.drop_table('appointments', schema='booking')
    op.drop_index('ix_appointment_history_appointment', table_name='appointment_history', schema='booking')
    op.drop_table('appointment_history', schema='booking')
    op.execute('DROP FUNCTION booking.appointment_history_refuse_change()')
