"""Registration, sign-in, refresh and sign-out routes (the public face of identity); the web
app's cookie sessions are in session_routes.py."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentUser
from servicekit.problems import render_problem
from servicekit.runtime import SessionDep

from identity.auth import registration, service
from identity.auth.schemas import (
    NO_STORE,
    LogoutRequest,
    PasswordPolicyRead,
    PatientRegister,
    RefreshRequest,
    TokenPair,
    TokenRequest,
)
from identity.auth.session_routes import router as session_router
from identity.db import Idempotent
from identity.deps import ClientAddress, Config
from identity.security.password_strength import MAX_LENGTH, rules
from identity.users.schemas import UserRead

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def register(
    data: PatientRegister,
    session: SessionDep,
    config: Config,
    client: ClientAddress,
    once: Idempotent,
) -> JSONResponse:
    """Register as a patient; sign in afterwards with the phone number and password.

    A phone number or email that already has an account gets this same answer (nothing is
    created; the account's owner is told by SMS), so registration never reveals who has one.
    With an `Idempotency-Key`, a retry replays the first answer, whichever it was.
    """
    return await once.run(
        session,
        None,
        lambda: registration.register_patient(
            session=session, data=data, config=config, client=client
        ),
        location="/v1/me",
    )


@router.get("/password-policy", response_model=PasswordPolicyRead)
async def password_policy(config: Config) -> PasswordPolicyRead:
    """What a new password must be (registration, staff accounts, password changes)."""
    policy = config.passwords
    return PasswordPolicyRead(
        min_length=policy.min_length,
        max_length=MAX_LENGTH,
        min_score=policy.min_score,
        rules=rules(policy),
    )


@router.post("/token", response_model=TokenPair)
async def sign_in(
    data: TokenRequest, session: SessionDep, config: Config, client: ClientAddress, request: Request
) -> TokenPair | JSONResponse:
    """Sign in with a phone number or email and a password; 401 or 429 with Retry-After."""
    try:
        pair = await service.sign_in(session=session, data=data, config=config, client=client)
    except service.Refused as refused:
        return render_problem(refused, request.url.path)  # returned, so the failure is recorded
    return _no_store(pair)


@router.post("/refresh", response_model=TokenPair)
async def refresh(
    data: RefreshRequest,
    session: SessionDep,
    config: Config,
    client: ClientAddress,
    request: Request,
) -> TokenPair | JSONResponse:
    """Exchange a refresh token for a new pair; each refresh token works once."""
    try:
        pair = await service.refresh(
            session=session,
            refresh_token=data.refresh_token.get_secret_value(),
            config=config,
            client=client,
        )
    except service.Refused as refused:
        return render_problem(refused, request.url.path)  # a reused token's revocation commits
    return _no_store(pair)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(
    data: LogoutRequest, session: SessionDep, caller: CurrentUser, client: ClientAddress
) -> Response:
    """Revoke a refresh token's session, or every session with `everywhere`."""
    await service.sign_out(session=session, actor=caller, data=data, client=client)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


router.include_router(session_router)  # /v1/auth/session: the web app's, with its cookie


def _no_store(pair: TokenPair) -> JSONResponse:
    return JSONResponse(pair.model_dump(mode="json"), headers=NO_STORE)
