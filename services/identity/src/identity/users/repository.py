"""User and membership queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from servicekit.db import contains_pattern
from servicekit.pagination import Keyset, keyset_page
from servicekit.problems import Conflict
from sqlalchemy import Exists, Select, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from identity.users.models import Membership, User
from identity.users.schemas import UserFilters


async def get(session: AsyncSession, user_id: UUID, *, for_update: bool = False) -> User | None:
    """A user by id, or None."""
    return await session.get(User, user_id, with_for_update=for_update)


async def lock_for_issuing(session: AsyncSession, user_id: UUID) -> datetime | None:
    """Hold revocations of the user off until commit; the instant to issue tokens at, or
    None when the account is no longer active.

    Revoking takes the row FOR NO KEY UPDATE and then reads the same clock, so a revocation
    is either visible to this transaction or later than the tokens it issues.
    """
    query = select(User.active).where(User.id == user_id).with_for_update(read=True)
    if not await session.scalar(query):
        return None
    return await database_now(session)


async def lock_for_revoking(session: AsyncSession, user_id: UUID) -> datetime:
    """Wait for tokens being issued to the user; the instant of the revocation being made."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    return await database_now(session)


async def database_now(session: AsyncSession) -> datetime:
    """PostgreSQL's clock now: one clock for every identity replica."""
    instant: datetime = (await session.execute(select(func.clock_timestamp()))).scalar_one()
    return instant


async def by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this email (case-insensitive), or None."""
    query = select(User).where(func.lower(User.email) == email.lower())
    return (await session.scalars(query)).one_or_none()


async def by_phone(session: AsyncSession, phone: str) -> User | None:
    """The user with this E.164 phone, or None."""
    return (await session.scalars(select(User).where(User.phone == phone))).one_or_none()


async def add(session: AsyncSession, user: User) -> User:
    """Insert a user and load its server-side defaults; 409 if the phone or email is taken."""
    await _insert(session, user, "Another account already uses this phone number or email.")
    await session.refresh(user)
    return user


async def _insert(session: AsyncSession, row: User | Membership, conflict: str) -> None:
    # A concurrent insert can pass the caller's check; the unique index then decides.
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


async def memberships_of(session: AsyncSession, user_ids: Sequence[UUID]) -> list[Membership]:
    """Every membership of these users, oldest first."""
    query = (
        select(Membership)
        .where(Membership.user_id.in_(user_ids))
        .order_by(Membership.granted_at, Membership.id)
    )
    return list(await session.scalars(query))


async def add_membership(session: AsyncSession, membership: Membership) -> Membership:
    """Insert a membership; 409 if the user already holds it."""
    await _insert(session, membership, "The user already holds this role there.")
    await session.refresh(membership)
    return membership


async def find_membership(
    session: AsyncSession, user_id: UUID, clinic_id: UUID | None, role: str
) -> Membership | None:
    """The user's membership with this role in this clinic, or None."""
    query = select(Membership).where(
        Membership.user_id == user_id,
        Membership.role == role,
        Membership.clinic_id.is_(None) if clinic_id is None else Membership.clinic_id == clinic_id,
    )
    return (await session.scalars(query)).one_or_none()


async def get_membership(
    session: AsyncSession, user_id: UUID, membership_id: UUID
) -> Membership | None:
    """One membership of a user, or None."""
    membership = await session.get(Membership, membership_id)
    return membership if membership and membership.user_id == user_id else None


async def remove_membership(session: AsyncSession, membership: Membership) -> None:
    """Delete a membership."""
    await session.execute(delete(Membership).where(Membership.id == membership.id))


async def list_users(
    session: AsyncSession,
    filters: UserFilters,
    *,
    visible_clinics: frozenset[UUID] | None,
    patients_visible: bool,
    cursor: str | None,
    limit: int,
) -> Keyset[User]:
    """A page of the users matching the filters, oldest first, limited to what the caller may
    see."""
    query = _filtered(select(User), filters)
    query = _visible(query, visible_clinics, patients_visible=patients_visible)
    order = (User.created_at, User.id)
    return await keyset_page(session, query, order=order, cursor=cursor, limit=limit)


def _member(clinic_id: UUID | None = None, role: str | None = None) -> Exists:
    condition = Membership.user_id == User.id
    if clinic_id is not None:
        condition &= Membership.clinic_id == clinic_id
    if role is not None:
        condition &= Membership.role == role
    return exists().where(condition)


def _filtered(query: Select[tuple[User]], filters: UserFilters) -> Select[tuple[User]]:
    if filters.kind is not None:
        query = query.where(User.kind == filters.kind)
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    if filters.clinic_id is not None or filters.role is not None:
        query = query.where(_member(filters.clinic_id, filters.role))
    if filters.q:
        pattern = contains_pattern(filters.q)
        query = query.where(
            or_(
                User.full_name.ilike(pattern),
                User.email.ilike(pattern),
                User.phone.ilike(pattern),
            )
        )
    return query


def _visible(
    query: Select[tuple[User]], clinics: frozenset[UUID] | None, *, patients_visible: bool
) -> Select[tuple[User]]:
    if clinics is None:
        return query  # organisation admins see everyone
    in_clinics = exists().where(Membership.user_id == User.id, Membership.clinic_id.in_(clinics))
    if patients_visible:
        return query.where(or_(User.kind == "patient", in_clinics))
    return query.where(in_clinics)
