"""Roster: identity projection, templates, shifts, leave, closures, coverage minimums.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clinics',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('time_zone', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics')),
    schema='shifts'
    )
    op.create_table('closures',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('days', postgresql.DATERANGE(), sa.Computed("daterange(first_day, last_day, '[]')", persisted=True), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    postgresql.ExcludeConstraint((sa.column('clinic_id'), '='), (sa.column('days'), '&&'), using='gist', name='ex_closures_clinic_no_overlap'),
    sa.CheckConstraint("kind IN ('public_holiday', 'closure')", name=op.f('ck_closures_kind')),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_closures_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closures')),
    schema='shifts'
    )
    op.create_table('coverage_minimums',
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.CheckConstraint('hours > 0 AND hours <= 24 * 50', name=op.f('ck_coverage_minimums_hours')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_coverage_minimums_weekday')),
    sa.PrimaryKeyConstraint('clinic_id', 'role', 'weekday', name=op.f('pk_coverage_minimums')),
    schema='shifts'
    )
    op.create_table('leave',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), sa.Computed('tstzrange(starts_at, ends_at)', persisted=True), nullable=False),
    sa.Column('status', sa.Text(), server_default='requested', nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('cancelled_by', sa.Uuid(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    postgresql.ExcludeConstraint((sa.column('staff_id'), '='), (sa.column('during'), '&&'), where=sa.text("status IN ('requested', 'approved')"), using='gist', name='ex_leave_staff_no_overlap'),
    sa.CheckConstraint("status IN ('requested', 'approved', 'rejected', 'cancelled')", name=op.f('ck_leave_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_leave_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave')),
    schema='shifts'
    )
    op.create_index('ix_leave_clinic', 'leave', ['clinic_id', 'starts_at'], unique=False, schema='shifts')
    op.create_index('ix_leave_staff_during', 'leave', ['staff_id', 'during'], unique=False, schema='shifts', postgresql_using='gist')
    op.create_table('shift_templates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('weekly', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('generated_until', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name=op.f('ck_shift_templates_validity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_templates')),
    schema='shifts'
    )
    op.create_index('ix_shift_templates_clinic', 'shift_templates', ['clinic_id', 'staff_id'], unique=False, schema='shifts')
    op.create_index('ix_shift_templates_staff', 'shift_templates', ['staff_id'], unique=False, schema='shifts')
    op.create_table('staff',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    schema='shifts'
    )
    op.create_table('staff_roles',
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('specialty', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('staff_id', 'clinic_id', 'role', name=op.f('pk_staff_roles')),
    schema='shifts'
    )
    op.create_table('shifts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=True),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('planned_day', sa.Date(), nullable=True),
    sa.Column('planned_slot', sa.SmallInteger(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), sa.Computed('tstzrange(starts_at, ends_at)', persisted=True), nullable=False),
    sa.Column('breaks', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.Column('status', sa.Text(), server_default='scheduled', nullable=False),
    sa.Column('modified', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    postgresql.ExcludeConstraint((sa.column('staff_id'), '='), (sa.column('during'), '&&'), where=sa.text("status = 'scheduled'"), using='gist', name='ex_shifts_staff_no_overlap'),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_shifts_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_positive')),
    sa.ForeignKeyConstraint(['template_id'], ['shifts.shift_templates.id'], name=op.f('fk_shifts_template_id_shift_templates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    sa.UniqueConstraint('template_id', 'planned_day', 'planned_slot', name='uq_shifts_template_occurrence'),
    schema='shifts'
    )
    op.create_index('ix_shifts_clinic_during', 'shifts', ['clinic_id', 'during'], unique=False, schema='shifts', postgresql_using='gist')
    op.create_index('ix_shifts_staff_start', 'shifts', ['staff_id', 'starts_at'], unique=False, schema='shifts')
    op.create_index('ix_shifts_template', 'shifts', ['template_id', 'planned_day'], unique=False, schema='shifts')


def downgrade() -> None:
    op.drop_index('ix_shifts_template', table_name='shifts', schema='shifts')
    op.drop_index('ix_shifts_staff_start', table_name='shifts', schema='shifts')
    op.drop_index('ix_shifts_clinic_during', table_name='shifts', schema='shifts', postgresql_using='gist')
    op.drop_table('shifts', schema='shifts')
    op.drop_table('staff_roles', schema='shifts')
    op.drop_table('staff', schema='shifts')
    op.drop_index('ix_shift_templates_staff', table_name='shift_templates', schema='shifts')
    op.drop_index('ix_shift_templates_clinic', table_name='shift_templates', schema='shifts')
    op.drop_table('shift_templates', schema='shifts')
    op.drop_index('ix_leave_staff_during', table_name='leave', schema='shifts', postgresql_using='gist')
    op.drop_index('ix_leave_clinic', table_name='leave', schema='shifts')
    op.drop_table('leave', schema='shifts')
    op.drop_table('coverage_minimums', schema='shifts')
    op.drop_table('closures', schema='shifts')
    op.drop_table('clinics', schema='shifts')
