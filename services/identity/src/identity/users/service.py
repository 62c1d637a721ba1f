"""Account use cases: state change, event and audit entry in one transaction, never committed.

Roles are granted and revoked in memberships.py; what every way of opening an account shares
is in accounts.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from clinic_contracts.identity import UserDeactivated, UserUpdated
from servicekit.auth import Principal
from servicekit.pagination import Page
from servicekit.problems import Forbidden, NotFound, Problem
from servicekit.scopes import require_clinic_in_scope
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit import service as audit
from identity.auth import repository as tokens
from identity.auth.sessions import announce_ended
from identity.db import apply_changes, outbox
from identity.security import passwords
from identity.security.password_strength import PasswordPolicy
from identity.users import memberships, repository
from identity.users.accounts import (
    contact_event,
    ensure_contact_free,
    open_account,
    personal_of,
    to_read,
    visible_user,
)
from identity.users.models import User
from identity.users.schemas import MeUpdate, PasswordChange, StaffCreate, UserFilters, UserRead


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
    if not access.can_create_staff(actor, grants):
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
        await memberships.grant_to(session, actor=actor, user=user, data=grant, client=client)
    return to_read(user, await repository.memberships_of(session, [user.id]))


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
    if not access.can_list_users(actor):
        raise Forbidden("Only staff and admins may list users.")
    require_clinic_in_scope(actor, filters.clinic_id, what="users")
    page = await repository.list_users(
        session,
        filters,
        visible_clinics=None if actor.is_org_admin else actor.clinics(),
        patients_visible=True,
        cursor=cursor,
        limit=limit,
    )
    held = await repository.memberships_of(session, [u.id for u in page.items])
    items = [to_read(u, [m for m in held if m.user_id == u.id]) for u in page.items]
    return Page[UserRead](items=items, next_cursor=page.next_cursor)


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
    user.password_hash = await passwords.check_new_password(
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
    held = await repository.memberships_of(session, [user.id])
    roles = [(m.role, m.clinic_id) for m in held]
    if not access.can_deactivate(actor, user_id=user.id, kind=user.kind, roles=roles):
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
    return to_read(user, held)


async def _own_account(session: AsyncSession, actor: Principal) -> User:
    user = await repository.get(session, actor.user_id, for_update=True)
    if user is None or not user.active:
        raise NotFound("Your account no longer exists or is deactivated.")
    return user
