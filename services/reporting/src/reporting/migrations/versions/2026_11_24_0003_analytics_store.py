"""Analytics store: clinic, appointment, reminder and shift projections; daily rollups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appointments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=True),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('type_id', sa.Uuid(), nullable=True),
    sa.Column('time_zone', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=True),
    sa.Column('as_of_event', sa.Uuid(), nullable=True),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('walk_in', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('waitlist_fill', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('cancelled_by', sa.Text(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reschedules', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reminders', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reminders_delivered', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    schema='reporting'
    )
    op.create_table('clinics',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('time_zone', sa.Text(), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics')),
    schema='reporting'
    )
    op.create_table('daily_rollups',
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('type_id', sa.Uuid(), nullable=False),
    sa.Column('booked', sa.Integer(), server_default='0', nullable=False),
    sa.Column('walk_ins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waitlist_fills', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rescheduled', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_by_patient', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_by_clinic', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_24h_or_more_before', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_under_24h_before', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_after_start', sa.Integer(), server_default='0', nullable=False),
    sa.Column('completed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('no_shows', sa.Integer(), server_default='0', nullable=False),
    sa.Column('completed_reminded', sa.Integer(), server_default='0', nullable=False),
    sa.Column('no_shows_reminded', sa.Integer(), server_default='0', nullable=False),
    sa.Column('booked_minutes', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('lead_time_seconds', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('lead_time_visits', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reminders', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reminders_delivered', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('clinic_id', 'day', 'provider_id', 'type_id', name=op.f('pk_daily_rollups')),
    schema='reporting'
    )
    op.create_table('daily_shift_minutes',
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('minutes', sa.BigInteger(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('clinic_id', 'day', 'provider_id', name=op.f('pk_daily_shift_minutes')),
    schema='reporting'
    )
    op.create_table('reminders',
    sa.Column('notification_id', sa.Uuid(), nullable=False),
    sa.Column('appointment_id', sa.Uuid(), nullable=False),
    sa.Column('attempted', sa.Boolean(), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('notification_id', name=op.f('pk_reminders')),
    schema='reporting'
    )
    op.create_index('ix_reminders_appointment_id', 'reminders', ['appointment_id'], unique=False, schema='reporting')
    op.create_table('shifts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=True),
    sa.Column('staff_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.Text(), nullable=True),
    sa.Column('time_zone', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('breaks', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.Column('cancelled', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=True),
    sa.Column('as_of_event', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    schema='reporting'
    )
    op.create_index('ix_event_facts_occurred_at', 'event_facts', ['occurred_at', 'event_id'], unique=False, schema='reporting')


def downgrade() -> None:
    op.drop_index('ix_event_facts_occurred_at', table_name='event_facts', schema='reporting')
    op.drop_table('shifts', schema='reporting')
    op.drop_index('ix_reminders_appointment_id', table_name='reminders', schema='reporting')
    op.drop_table('reminders', schema='reporting')
    op.drop_table('daily_shift_minutes', schema='reporting')
    op.drop_table('daily_rollups', schema='reporting')
    op.drop_table('clinics', schema='reporting')
    op.drop_table('appointments', schema='reporting')
