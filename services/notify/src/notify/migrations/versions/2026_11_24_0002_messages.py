"""Messages and their history, clinic templates, and the identity and booking projections.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('appointments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('type_name', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('time_zone', sa.Text(), nullable=False),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    schema='notify'
    )
    op.create_index('ix_appointments_patient', 'appointments', ['patient_id'], unique=False, schema='notify')
    op.create_table('clinics',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('time_zone', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('provider', sa.Text(), nullable=True),
    sa.Column('channel', sa.Text(), server_default='sms', nullable=False),
    sa.Column('fallback_to_sms', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('reminder_offsets', sa.ARRAY(sa.Integer()), server_default=sa.text("'{1440,120}'"), nullable=False),
    sa.Column('quiet_from', sa.Time(), server_default=sa.text("'21:00'"), nullable=True),
    sa.Column('quiet_until', sa.Time(), server_default=sa.text("'07:00'"), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics')),
    schema='notify'
    )
    op.create_table('contacts',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('language', sa.Text(), server_default='en', nullable=False),
    sa.Column('consent_sms', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('consent_whatsapp', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('preferred_channel', sa.Text(), nullable=True),
    sa.Column('reminders', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_contacts')),
    schema='notify'
    )
    op.create_index('ix_contacts_phone', 'contacts', ['phone'], unique=False, schema='notify')
    op.create_table('message_templates',
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('language', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('clinic_id', 'kind', 'language', name=op.f('pk_message_templates')),
    schema='notify'
    )
    op.create_table('messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('appointment_id', sa.Uuid(), nullable=False),
    sa.Column('clinic_id', sa.Uuid(), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('nominal_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Text(), server_default='scheduled', nullable=False),
    sa.Column('channel', sa.Text(), nullable=True),
    sa.Column('provider', sa.Text(), nullable=True),
    sa.Column('provider_message_id', sa.Text(), nullable=True),
    sa.Column('to_phone', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('error_code', sa.Text(), nullable=True),
    sa.Column('error_detail', sa.Text(), nullable=True),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'sending', 'sent', 'delivered', 'failed', 'undelivered', 'cancelled', 'skipped')", name=op.f('ck_messages_known_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('appointment_id', 'kind', 'nominal_at', name='uq_messages_once'),
    schema='notify'
    )
    op.create_index('ix_messages_appointment', 'messages', ['appointment_id'], unique=False, schema='notify')
    op.create_index('ix_messages_due', 'messages', ['due_at'], unique=False, schema='notify', postgresql_where=sa.text("status IN ('scheduled', 'sending')"))
    op.create_index('ix_messages_patient', 'messages', ['patient_id', 'created_at'], unique=False, schema='notify')
    op.create_index('ix_messages_provider_id', 'messages', ['provider', 'provider_message_id'], unique=True, schema='notify')
    op.create_table('message_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('channel', sa.Text(), nullable=True),
    sa.Column('error_code', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['notify.messages.id'], name=op.f('fk_message_events_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_events')),
    sa.UniqueConstraint('message_id', 'attempt', 'status', name='uq_message_events_once'),
    schema='notify'
    )
    op.create_index(op.f('ix_notify_message_events_message_id'), 'message_events', ['message_id'], unique=False, schema='notify')


def downgrade() -> None:
    op.drop_index(op.f('ix_notify_message_events_message_id'), table_name='message_events', schema='notify')
    op.drop_table('message_events', schema='notify')
    op.drop_index('ix_messages_provider_id', table_name='messages', schema='notify')
    op.drop_index('ix_messages_patient', table_name='messages', schema='notify')
    op.drop_index('ix_messages_due', table_name='messages', schema='notify', postgresql_where=sa.text("status IN ('scheduled', 'sending')"))
    op.drop_index('ix_messages_appointment', table_name='messages', schema='notify')
    op.drop_table('messages', schema='notify')
    op.drop_table('message_templates', schema='notify')
    op.drop_index('ix_contacts_phone', table_name='contacts', schema='notify')
    op.drop_table('contacts', schema='notify')
    op.drop_table('clinics', schema='notify')
    op.drop_index('ix_appointments_patient', table_name='appointments', schema='notify')
    op.drop_table('appointments', schema='notify')
