"""Projection of clinics, staff roles, shifts and approved leave, fed by events.

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
    sa.Column('booking_policy', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics')),
    schema='booking'
    )
    op.create_table('leave_windows',
    sa.Column('leave_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), sa.Computed('tstzrange(starts_at, ends_at)', persisted=True), nullable=False),
    sa.PrimaryKeyConstraint('leave_id', name=op.f('pk_leave_windows')),
    schema='booking'
    )
    op.create_index('ix_leave_windows_staff_during', 'leave_windows', ['staff_id', 'during'], unique=False, schema='booking', postgresql_using='gist')
    op.create_table('shift_windows',
    sa.Column('shift_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), sa.Computed('tstzrange(starts_at, ends_at)', persisted=True), nullable=False),
    sa.Column('breaks', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.PrimaryKeyConstraint('shift_id', name=op.f('pk_shift_windows')),
    schema='booking'
    )
    op.create_index('ix_shift_windows_clinic_during', 'shift_windows', ['clinic_id', 'during'], unique=False, schema='booking', postgresql_using='gist')
    op.create_index('ix_shift_windows_staff_during', 'shift_windows', ['staff_id', 'during'], unique=False, schema='booking', postgresql_using='gist')
    op.create_table('staff',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    schema='booking'
    )
    op.create_table('staff_roles',
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('specialty', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('staff_id', 'clinic_id', 'role', name=op.f('pk_staff_roles')),
    schema='booking'
    )
    op.create_index('ix_staff_roles_clinic', 'staff_roles', ['clinic_id', 'role'], unique=False, schema='booking')


def downgrade() -> None:
    op.drop_index('ix_staff_roles_clinic', table_name='staff_roles', schema='booking')
    op.drop_table('staff_roles', schema='booking')
    op.drop_table('staff', schema='booking')
    op.drop_index('ix_shift_windows_staff_during', table_name='shift_windows', schema='booking', postgresql_using='gist')
    op.drop_index('ix_shift_windows_clinic_during', table_name='shift_windows', schema='booking', postgresql_using='gist')
    op.drop_table('shift_windows', schema='booking')
    op.drop_index('ix_leave_windows_staff_during', table_name='leave_windows', schema='booking', postgresql_using='gist')
    op.drop_table('leave_windows', schema='booking')
    op.drop_table('clinics', schema='booking')
