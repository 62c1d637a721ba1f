"""Accounts: users, memberships, refresh tokens, sign-in throttling; clinic details.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "identity"
NO_CLINIC = "'00000000-0000-0000-0000-000000000000'::uuid"


def _timestamp(name: str, *, nullable: bool = False, default: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.func.now() if default else None,
    )


def upgrade() -> None:
    op.add_column("clinics", sa.Column("address", sa.Text), schema=S)
    op.add_column("clinics", sa.Column("phone", sa.Text), schema=S)
    op.add_column(
        "clinics",
        sa.Column("opening_hours", JSONB, nullable=False, server_default="[]"),
        schema=S,
    )
    op.add_column(
        "clinics",
        sa.Column("booking_policy", JSONB, nullable=False, server_default="{}"),
        schema=S,
    )
    op.add_column("clinics", _timestamp("updated_at", default=True), schema=S)
    op.create_index("ix_clinics_name", "clinics", ["name", "id"], schema=S)

    op.create_table(
        "users",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("phone", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("date_of_birth", sa.Date),
        sa.Column("preferred_language", sa.Text, nullable=False, server_default="en"),
        sa.Column("consent_sms", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("consent_whatsapp", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _timestamp("deactivated_at", nullable=True),
        _timestamp("created_at", default=True),
        _timestamp("updated_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.CheckConstraint("kind IN ('patient', 'staff')", name="ck_users_kind"),
        sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="ck_users_has_login"),
        schema=S,
    )
    op.create_index(
        "ix_users_email_lower", "users", [sa.text("lower(email)")], unique=True, schema=S
    )
    op.create_index("ix_users_phone", "users", ["phone"], unique=True, schema=S)
    op.create_index("ix_users_created", "users", ["created_at", "id"], schema=S)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("clinic_id", sa.Uuid),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("specialty", sa.Text),
        sa.Column("granted_by", sa.Uuid),
        _timestamp("granted_at", default=True),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            [f"{S}.users.id"],
            name="fk_memberships_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinic_id"], [f"{S}.clinics.id"], name="fk_memberships_clinic_id_clinics"
        ),
        sa.CheckConstraint(
            "role IN ('org_admin', 'clinic_admin', 'provider', 'receptionist')",
            name="ck_memberships_role",
        ),
        sa.CheckConstraint(
            "(role = 'org_admin') = (clinic_id IS NULL)", name="ck_memberships_clinic_for_role"
        ),
        sa.CheckConstraint(
            "specialty IS NULL OR role = 'provider'", name="ck_memberships_specialty_for_providers"
        ),
        schema=S,
    )
    op.create_index(
        "ix_memberships_unique",
        "memberships",
        ["user_id", sa.text(f"coalesce(clinic_id, {NO_CLINIC})"), "role"],
        unique=True,
        schema=S,
    )
    op.create_index("ix_memberships_clinic", "memberships", ["clinic_id", "role"], schema=S)

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("family_id", sa.Uuid, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("token_hash", sa.LargeBinary, nullable=False),
        _timestamp("issued_at"),
        _timestamp("expires_at"),
        _timestamp("used_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            [f"{S}.users.id"],
            name="fk_refresh_tokens_user_id_users",
            ondelete="CASCADE",
        ),
        schema=S,
    )
    op.create_index("ix_refresh_tokens_family", "refresh_tokens", ["family_id"], schema=S)
    op.create_index("ix_refresh_tokens_user", "refresh_tokens", ["user_id"], schema=S)

    op.create_table(
        "login_throttle",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        _timestamp("window_started_at"),
        _timestamp("blocked_until", nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("login_throttle", schema=S)
    op.drop_table("refresh_tokens", schema=S)
    op.drop_table("memberships", schema=S)
    op.drop_table("users", schema=S)
    op.drop_index("ix_clinics_name", table_name="clinics", schema=S)
    for column in ("updated_at", "booking_policy", "opening_hours", "phone", "address"):
        op.drop_column("clinics", column, schema=S)
