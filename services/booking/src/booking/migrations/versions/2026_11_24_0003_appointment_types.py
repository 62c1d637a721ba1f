"""Appointment types.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appointment_types',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('duration_minutes', sa.SmallInteger(), nullable=False),
    sa.Column('buffer_before_minutes', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('buffer_after_minutes', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('step_minutes', sa.SmallInteger(), server_default='15', nullable=False),
    sa.Column('specialties', sa.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('min_notice_minutes', sa.SmallInteger(), nullable=True),
    sa.Column('max_days_ahead', sa.SmallInteger(), nullable=True),
    sa.Column('online_bookable', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('requires_room', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('buffer_after_minutes BETWEEN 0 AND 120', name=op.f('ck_appointment_types_buffer_after')),
    sa.CheckConstraint('buffer_before_minutes BETWEEN 0 AND 120', name=op.f('ck_appointment_types_buffer_before')),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 480', name=op.f('ck_appointment_types_duration')),
    sa.CheckConstraint('step_minutes IN (5, 10, 15, 20, 30, 60)', name=op.f('ck_appointment_types_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_types')),
    schema='booking'
    )
    op.create_index('ix_appointment_types_clinic', 'appointment_types', ['clinic_id', 'name'], unique=False, schema='booking')


def downgrade() -> None:
    op.drop_index('ix_appointment_types_clinic', table_name='appointment_types', schema='booking')
    op.drop_table('appointment_types', schema='booking')
