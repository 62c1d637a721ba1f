"""Account routes: /v1/me for everyone, /v1/users for staff and admins."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status
from servicekit.auth import CurrentUser
from servicekit.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from servicekit.runtime import SessionDep

from identity.deps import ClientAddress, Config
from identity.users import memberships, service
from identity.users.schemas import (
    MembershipGrant,
    MembershipRead,
    MeUpdate,
    PasswordChange,
    StaffCreate,
    UserFilters,
    UserRead,
)

me_router = APIRouter(prefix="/v1/me", tags=["me"])
router = APIRouter(prefix="/v1/users", tags=["users"])


@me_router.get("", response_model=UserRead)
async def read_me(session: SessionDep, caller: CurrentUser) -> UserRead:
    """Your own account and roles."""
    return await service.get_user(session=session, actor=caller, user_id=caller.user_id)


@me_router.patch("", response_model=UserRead)
async def update_me(
    data: MeUpdate, session: SessionDep, caller: CurrentUser, client: ClientAddress
) -> UserRead:
    """Change your name, contact details, language or notification consent."""
    return await service.update_me(session=session, actor=caller, data=data, client=client)


@me_router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    data: PasswordChange,
    session: SessionDep,
    caller: CurrentUser,
    config: Config,
    client: ClientAddress,
) -> Response:
    """Change your password; every session ends, this one too: sign in again with it."""
    await service.change_password(
        session=session,
        actor=caller,
        data=data,
        policy=config.passwords,
        client=client,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def create_staff(
    data: StaffCreate,
    session: SessionDep,
    caller: CurrentUser,
    config: Config,
    client: ClientAddress,
    response: Response,
) -> UserRead:
    """Create a staff account (organisation admins; clinic admins for their own clinics)."""
    user = await service.create_staff(
        session=session,
        actor=caller,
        data=data,
        policy=config.passwords,
        client=client,
    )
    response.headers["Location"] = f"{router.prefix}/{user.id}"
    return user


@router.get("", response_model=Page[UserRead])
async def list_users(
    session: SessionDep,
    caller: CurrentUser,
    filters: Annotated[UserFilters, Depends()],
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[UserRead]:
    """Users you may see, oldest first: admins see their clinics' staff, staff see patients."""
    return await service.list_users(
        session=session, actor=caller, filters=filters, cursor=cursor, limit=limit
    )


@router.get("/{user_id}", response_model=UserRead)
async def read_user(user_id: UUID, session: SessionDep, caller: CurrentUser) -> UserRead:
    """One user; 404 when it does not exist or you may not see it."""
    return await service.get_user(session=session, actor=caller, user_id=user_id)


@router.post("/{user_id}/deactivate", response_model=UserRead)
async def deactivate_user(
    user_id: UUID, session: SessionDep, caller: CurrentUser, client: ClientAddress
) -> UserRead:
    """Deactivate an account: no more sign-ins; its tokens stop working within 15 minutes."""
    return await service.deactivate(session=session, actor=caller, user_id=user_id, client=client)


@router.get("/{user_id}/memberships", response_model=list[MembershipRead])
async def list_memberships(
    user_id: UUID, session: SessionDep, caller: CurrentUser
) -> list[MembershipRead]:
    """The roles a user holds."""
    return (await service.get_user(session=session, actor=caller, user_id=user_id)).memberships


@router.post(
    "/{user_id}/memberships", status_code=status.HTTP_201_CREATED, response_model=MembershipRead
)
async def grant_membership(
    user_id: UUID,
    data: MembershipGrant,
    session: SessionDep,
    caller: CurrentUser,
    client: ClientAddress,
) -> MembershipRead:
    """Grant a role (org admins: any; clinic admins: clinic roles in their clinics)."""
    return await memberships.grant(
        session=session, actor=caller, user_id=user_id, data=data, client=client
    )


@router.delete("/{user_id}/memberships/{membership_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_membership(
    user_id: UUID,
    membership_id: UUID,
    session: SessionDep,
    caller: CurrentUser,
    client: ClientAddress,
) -> Response:
    """Revoke a role."""
    await memberships.revoke(
        session=session, actor=caller, user_id=user_id, membership_id=membership_id, client=client
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
