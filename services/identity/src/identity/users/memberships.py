"""Granting and revoking staff roles: the row, MembershipGranted or MembershipRevoked and the
audit entry in one transaction, never committed."""

from __future__ import annotations

import uuid
from uuid import UUID

from clinic_contracts.identity import MembershipGranted, MembershipRevoked
from servicekit.auth import Principal
from servicekit.problems import Conflict, Forbidden, NotFound, Problem
from sqlalchemy.ext.asyncio import AsyncSession

from identity import access
from identity.audit import service as audit
from identity.clinics import repository as clinics
from identity.db import outbox
from identity.users import repository
from identity.users.accounts import visible_user
from identity.users.models import Membership, User
from identity.users.schemas import MembershipGrant, MembershipRead


async def grant(
    *, session: AsyncSession, actor: Principal, user_id: UUID, data: MembershipGrant, client: str
) -> MembershipRead:
    """Give a staff member a role; 409 when they already hold it."""
    user = await visible_user(session, actor, user_id)
    if not access.can_grant(actor, data.role, data.clinic_id):
        raise Forbidden("You may not grant this role in this clinic.")
    membership = await grant_to(session, actor=actor, user=user, data=data, client=client)
    return MembershipRead.model_validate(membership)


async def revoke(
    *, session: AsyncSession, actor: Principal, user_id: UUID, membership_id: UUID, client: str
) -> None:
    """Take a role away."""
    await visible_user(session, actor, user_id)
    membership = await repository.get_membership(session, user_id, membership_id)
    if membership is None:
        raise NotFound(f"User {user_id} has no membership {membership_id}.")
    if not access.can_grant(actor, membership.role, membership.clinic_id):
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


async def grant_to(
    session: AsyncSession, *, actor: Principal, user: User, data: MembershipGrant, client: str
) -> Membership:
    """Store a role the caller may grant (checked by the caller); 409 or 422 when the user or
    the clinic cannot take it."""
    await _check_grantable(session, user, data)
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


async def _check_grantable(session: AsyncSession, user: User, data: MembershipGrant) -> None:
    if user.kind != "staff":
        raise Conflict("Patients cannot hold staff roles.", slug="not-staff")
    if not user.active:
        raise Conflict("The account is deactivated.", slug="user-deactivated")
    if data.clinic_id and await clinics.get(session, data.clinic_id) is None:
        raise Problem(f"No clinic has id {data.clinic_id}.", status=422, slug="unknown-clinic")
    if await repository.find_membership(session, user.id, data.clinic_id, data.role):
        raise Conflict("The user already holds this role there.", slug="membership-exists")
