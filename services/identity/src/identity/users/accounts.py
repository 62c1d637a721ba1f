"""Accounts as every way of opening one shares them (staff creation, self-registration, a desk's
registration): their API view and contact event, contact checks, storing a checked account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from clinic_contracts.identity import UserRegistered, UserUpdated
from servicekit.auth import Principal
from servicekit.problems import Conflict, NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit import service as audit
from identity.db import outbox
from identity.schemas import NotificationConsent
from identity.security.password_strength import PasswordPolicy, Personal
from identity.security.passwords import check_new_password
from identity.users import repository
from identity.users.models import Membership, User
from identity.users.schemas import MembershipRead, UserRead


def consent_of(user: User) -> NotificationConsent:
    """The channels the user agreed to be messaged on."""
    return NotificationConsent(sms=user.consent_sms, whatsapp=user.consent_whatsapp)


def to_read(user: User, memberships: list[Membership]) -> UserRead:
    """The API view of a user."""
    return UserRead(
        id=user.id,
        kind=user.kind,
        full_name=user.full_name,
        phone=user.phone,
        email=user.email,
        date_of_birth=user.date_of_birth,
        preferred_language=user.preferred_language,
        consent=consent_of(user),
        active=user.active,
        deactivated_at=user.deactivated_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
        memberships=[MembershipRead.model_validate(m) for m in memberships],
    )


def contact_event(
    user: User, event: type[UserRegistered] | type[UserUpdated]
) -> UserRegistered | UserUpdated:
    """UserRegistered or UserUpdated carrying the user's current contact details."""
    return event(
        user_id=user.id,
        kind=user.kind,
        full_name=user.full_name,
        phone=user.phone,
        email=user.email,
        preferred_language=user.preferred_language,
        consent=consent_of(user),
    )


def personal_of(user: User) -> Personal:
    """What a password of this person must not be built on."""
    return Personal(user.full_name, user.email, user.phone, user.date_of_birth)


async def visible_user(session: AsyncSession, actor: Principal, user_id: UUID) -> User:
    """The user if the caller may see them; 404 otherwise, so ids cannot be probed."""
    user = await repository.get(session, user_id)
    if user is not None:
        memberships = await repository.memberships_of(session, [user.id])
        member_of = {m.clinic_id for m in memberships if m.clinic_id is not None}
        if access.can_view(actor, user_id=user.id, kind=user.kind, clinics=member_of):
            return user
    raise NotFound(f"No user has id {user_id}.")


async def contact_owners(
    session: AsyncSession, *, phone: str | None, email: str | None
) -> dict[User, list[str]]:
    """The accounts already using this phone or email, each with what matched."""
    owners: dict[User, list[str]] = {}
    for owner, what in (
        (phone and await repository.by_phone(session, phone), "phone"),
        (email and await repository.by_email(session, email), "email"),
    ):
        if owner:
            owners.setdefault(owner, []).append(what)
    return owners


async def ensure_contact_free(
    session: AsyncSession, *, phone: str | None, email: str | None, user_id: UUID | None = None
) -> None:
    """409 when another account already uses the phone or the email."""
    owners = await contact_owners(session, phone=phone, email=email)
    for owner, matched in owners.items():
        if owner.id != user_id:
            what = "phone number" if matched[0] == "phone" else "email address"
            raise Conflict(f"Another account already uses this {what}.", slug="contact-taken")


async def open_account(
    session: AsyncSession,
    user: User,
    password: str,
    *,
    policy: PasswordPolicy,
    actor_id: UUID | None,
    action: str,
    client: str,
) -> User:
    """Check and store a new account with its password; 409 when its phone or email is taken."""
    await ensure_contact_free(session, phone=user.phone, email=user.email)
    password_hash = await check_new_password(password, policy=policy, personal=personal_of(user))
    return await store_account(
        session, user, password_hash, actor_id=actor_id, action=action, client=client
    )


async def store_account(
    session: AsyncSession,
    user: User,
    password_hash: str | None,
    *,
    actor_id: UUID | None,
    action: str,
    client: str,
    clinic_id: UUID | None = None,
    details: Mapping[str, Any] | None = None,
) -> User:
    """Store a checked account (no hash: no password yet); UserRegistered and its audit entry."""
    user.password_hash = password_hash
    user = await repository.add(session, user)
    await outbox.stage(session, contact_event(user, UserRegistered), aggregate_id=user.id)
    await audit.record(
        session,
        action=action,
        actor_id=actor_id or user.id,
        subject_id=user.id,
        clinic_id=clinic_id,
        client_address=client,
        details=details,
    )
    return user
