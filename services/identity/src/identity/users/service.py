"""Account use cases: state change, event and audit entry in one transaction, never committed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from clinic_contracts.identity import (
    MembershipGranted,
    MembershipRevoked,
    UserDeactivated,
    UserRegistered,
    UserUpdated,
)
from servicekit.auth import Principal
from servicekit.pagination import Page, decode_keyset, encode_cursor, instant
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from servicekit.scopes import require_clinic_in_scope
from sqlalchemy.ext.asyncio import AsyncSession

from identity import passwords
from identity.audit import service as audit
from identity.auth import repository as tokens
from identity.auth.sessions import announce_ended
from identity.clinics import repository as clinics
from identity.db import apply_changes, outbox
from identity.fields import NotificationConsent
from identity.password_strength import PasswordPolicy, Personal, judge
from identity.users import repository, rules
from identity.users.models import Membership, User
from identity.users.schemas import (
    MembershipGrant,
    MembershipRead,
    MeUpdate,
    PasswordChange,
    StaffCreate,
    UserFilters,
    UserRead,
)


class WeakPassword(Problem):
    status, slug = 422, "weak-password"


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


async def check_new_password(
    password: str, *, policy: PasswordPolicy, personal: Personal, field: str = "password"
) -> str:
    """The argon2id hash of an acceptable new password; 422 saying why and what to do otherwise.

    The rules run before any hashing, so a refused password costs no argon2 work.
    """
    verdict = await asyncio.to_thread(judge, password, personal=personal, policy=policy)
    if not verdict.acceptable:
        raise WeakPassword(
            "Choose another password. " + " ".join(w.message for w in verdict.weaknesses),
            errors=[
                {"field": field, "message": w.message, "code": w.code} for w in verdict.weaknesses
            ],
            suggestions=list(verdict.suggestions),
        )
    return await passwords.hash_password(password)


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
    """Insert a checked account (no hash: no password yet); UserRegistered and its audit entry."""
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


async def create_staff(
    *,
    session: AsyncSession,
    actor: Principal,
    data: StaffCreate,
    policy: PasswordPolicy,
    client: str,
) -> UserRead:
    """Create a staff account with its first roles (admins only)."""
    grants = [(g.role, g.clinic_id) for g in data.memberships]
    if not rules.can_create_staff(actor, grants):
        raise Forbidden("Only organisation admins, or clinic admins for their clinics, may.")
    fields = data.model_dump(include={"full_name", "email", "phone", "preferred_language"})
    user = await open_account(
        session,
        User(id=uuid.uuid4(), kind="staff", **fields),
        data.password.get_secret_value(),
        policy=policy,
        actor_id=actor.user_id,
        action="user.created",
        client=client,
    )
    for grant in data.memberships:
        await _grant(session, actor, user, grant, client)
    return to_read(user, await repository.memberships_of(session, [user.id]))


async def visible_user(session: AsyncSession, actor: Principal, user_id: UUID) -> User:
    """The user if the caller may see them; 404 otherwise, so ids cannot be probed."""
    user = await repository.get(session, user_id)
    if user is not None:
        memberships = await repository.memberships_of(session, [user.id])
        member_of = {m.clinic_id for m in memberships if m.clinic_id is not None}
        if rules.can_view(actor, user_id=user.id, kind=user.kind, clinics=member_of):
            return user
    raise NotFound(f"No user has id {user_id}.")


async def get_user(*, session: AsyncSession, actor: Principal, user_id: UUID) -> UserRead:
    """One user, as the caller may see them."""
    user = await visible_user(session, actor, user_id)
    return to_read(user, await repository.memberships_of(session, [user.id]))


async def list_users(
    *,
    session: AsyncSession,
    actor: Principal,
    filters: UserFilters,
    cursor: str | None,
    limit: int,
) -> Page[UserRead]:
    """Users the caller may see, oldest first, a page at a time."""
    staff_clinics = actor.clinics()
    if not actor.is_org_admin and not staff_clinics:
        raise Forbidden("Only staff and admins may list users.")
    require_clinic_in_scope(actor, filters.clinic_id, what="users")
    after = None
    if cursor:
        after = decode_keyset(cursor, instant, UUID)
    users = await repository.list_users(
        session,
        filters,
        visible_clinics=None if actor.is_org_admin else staff_clinics,
        patients_visible=True,
        after=after,
        limit=limit + 1,
    )
    page, more = users[:limit], len(users) > limit
    memberships = await repository.memberships_of(session, [u.id for u in page])
    items = [to_read(u, [m for m in memberships if m.user_id == u.id]) for u in page]
    last = page[-1] if page else None
    next_cursor = encode_cursor(last.created_at.isoformat(), last.id) if more and last else None
    return Page[UserRead](items=items, next_cursor=next_cursor)


async def update_me(
    *, session: AsyncSession, actor: Principal, data: MeUpdate, client: str
) -> UserRead:
    """Change one's own profile; UserUpdated when anything changed."""
    user = await _own_account(session, actor)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    await ensure_contact_free(
        session, phone=changes.get("phone"), email=changes.get("email"), user_id=user.id
    )
    consent = changes.pop("consent", None)
    if consent is not None:
        changes |= {"consent_sms": consent["sms"], "consent_whatsapp": consent["whatsapp"]}
    changed = apply_changes(user, changes)
    if changed:
        await session.flush()
        await outbox.stage(session, contact_event(user, UserUpdated), aggregate_id=user.id)
        await audit.record(
            session,
            action="user.updated",
            actor_id=user.id,
            subject_id=user.id,
            client_address=client,
            details={"fields": changed},
        )
    return to_read(user, await repository.memberships_of(session, [user.id]))


async def change_password(
    *,
    session: AsyncSession,
    actor: Principal,
    data: PasswordChange,
    policy: PasswordPolicy,
    client: str,
) -> None:
    """Set a new password after checking the current one; every session ends, this one too."""
    user = await _own_account(session, actor)
    if not await passwords.verify_password(
        data.current_password.get_secret_value(), user.password_hash
    ):
        raise Problem("The current password is wrong.", status=403, slug="wrong-password")
    user.password_hash = await check_new_password(
        data.new_password.get_secret_value(),
        policy=policy,
        personal=personal_of(user),
        field="new_password",
    )
    user.updated_at = datetime.now(UTC)
    ended = await tokens.revoke_all_of(session, user.id)
    await announce_ended(session, user_id=user.id, families=ended, reason="password_changed")
    await audit.record(
        session,
        action="user.password_changed",
        actor_id=user.id,
        subject_id=user.id,
        client_address=client,
    )


async def deactivate(
    *, session: AsyncSession, actor: Principal, user_id: UUID, client: str
) -> UserRead:
    """Stop an account signing in; its tokens are refused as soon as services read the event."""
    user = await visible_user(session, actor, user_id)
    memberships = await repository.memberships_of(session, [user.id])
    roles = [(m.role, m.clinic_id) for m in memberships]
    if not rules.can_deactivate(actor, user_id=user.id, kind=user.kind, roles=roles):
        raise Forbidden("You may not deactivate this account.")
    if user.active:
        at = await repository.lock_for_revoking(session, user.id)
        user.active, user.deactivated_at, user.updated_at = False, at, at
        await tokens.revoke_all_of(session, user.id)
        event = UserDeactivated(user_id=user.id, deactivated_at=at)
        await outbox.stage(session, event, aggregate_id=user.id)
        await audit.record(
            session,
            action="user.deactivated",
            actor_id=actor.user_id,
            subject_id=user.id,
            client_address=client,
        )
    return to_read(user, memberships)


async def grant(
    *, session: AsyncSession, actor: Principal, user_id: UUID, data: MembershipGrant, client: str
) -> MembershipRead:
    """Give a staff member a role; 409 when they already hold it."""
    user = await visible_user(session, actor, user_id)
    if not rules.can_grant(actor, data.role, data.clinic_id):
        raise Forbidden("You may not grant this role in this clinic.")
    return MembershipRead.model_validate(await _grant(session, actor, user, data, client))


async def revoke(
    *, session: AsyncSession, actor: Principal, user_id: UUID, membership_id: UUID, client: str
) -> None:
    """Take a role away."""
    await visible_user(session, actor, user_id)
    membership = await repository.get_membership(session, user_id, membership_id)
    if membership is None:
        raise NotFound(f"User {user_id} has no membership {membership_id}.")
    if not rules.can_grant(actor, membership.role, membership.clinic_id):
        raise Forbidden("You may not revoke this role.")
    at = await repository.lock_for_revoking(session, user_id)
    await repository.remove_membership(session, membership)
    event = MembershipRevoked(
        user_id=user_id, clinic_id=membership.clinic_id, role=membership.role, revoked_at=at
    )
    await outbox.stage(session, event, aggregate_id=user_id, clinic_id=membership.clinic_id)
    await audit.record(
        session,
        action="membership.revoked",
        actor_id=actor.user_id,
        subject_id=user_id,
        clinic_id=membership.clinic_id,
        client_address=client,
        details={"role": membership.role},
    )


async def _grant(
    session: AsyncSession, actor: Principal, user: User, data: MembershipGrant, client: str
) -> Membership:
    if user.kind != "staff":
        raise Conflict("Patients cannot hold staff roles.", slug="not-staff")
    if not user.active:
        raise Conflict("The account is deactivated.", slug="user-deactivated")
    if data.clinic_id and await clinics.get(session, data.clinic_id) is None:
        raise Problem(f"No clinic has id {data.clinic_id}.", status=422, slug="unknown-clinic")
    if await repository.find_membership(session, user.id, data.clinic_id, data.role):
        raise Conflict("The user already holds this role there.", slug="membership-exists")
    membership = await repository.add_membership(
        session,
        Membership(
            id=uuid.uuid4(),
            user_id=user.id,
            clinic_id=data.clinic_id,
            role=data.role,
            specialty=data.specialty,
            granted_by=actor.user_id,
        ),
    )
    event = MembershipGranted(
        user_id=user.id, clinic_id=data.clinic_id, role=data.role, specialty=data.specialty
    )
    await outbox.stage(session, event, aggregate_id=user.id, clinic_id=data.clinic_id)
    await audit.record(
        session,
        action="membership.granted",
        actor_id=actor.user_id,
        subject_id=user.id,
        clinic_id=data.clinic_id,
        client_address=client,
        details={"role": data.role},
    )
    return membership


async def _own_account(session: AsyncSession, actor: Principal) -> User:
    user = await repository.get(session, actor.user_id, for_update=True)
    if user is None or not user.active:
        raise NotFound("Your account no longer exists or is deactivated.")
    return user
