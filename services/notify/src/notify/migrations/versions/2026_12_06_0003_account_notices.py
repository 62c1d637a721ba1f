"""Account notices: messages about an account rather than an appointment (no appointment, no
clinic), e.g. the SMS telling an owner that someone tried to register with their number.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column('messages', 'appointment_id', nullable=True, schema='notify')
    op.alter_column('messages', 'clinic_id', nullable=True, schema='notify')
    op.create_check_constraint(
        op.f('ck_messages_about_an_appointment_or_an_account'),
        'messages',
        '(appointment_id IS NULL) = (clinic_id IS NULL)',
        schema='notify',
    )


def downgrade() -> None:
    op.execute("DELETE FROM notify.messages WHERE appointment_id IS NULL")
    op.drop_constraint(
        op.f('ck_messages_about_an_appointment_or_an_account'), 'messages', schema='notify'
    )
    op.alter_column('messages', 'clinic_id', nullable=False, schema='notify')
    op.alter_column('messages', 'appointment_id', nullable=False, schema='notify')
