"""The web app's sessions: its refresh token lives in an HttpOnly cookie no script can read.

Sign-in, rotation and sign-out are those of /token, /refresh and /logout (identity.auth.service);
only where the refresh token travels differs, so a script injected into the page can steal at
most an access token (15 minutes), never the session. The cookie's Path is this router's
prefix: the browser sends it to these three routes and nowhere else. Each route refuses what
another site's page could send (identity.auth.browser).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from servicekit.problems import render_problem
from servicekit.runtime import SessionDep

from identity.auth import service
from identity.auth.browser import cookie_must_be_secure, refuse_cross_site
from identity.auth.schemas import NO_STORE, AccessToken, TokenPair, TokenRequest
from identity.deps import ClientAddress, Config, IdentityConfig

COOKIE = "clinic_refresh"
COOKIE_PATH = "/v1/auth/session"

router = APIRouter(prefix="/session", dependencies=[Depends(refuse_cross_site)])


@router.post("", response_model=AccessToken)
async def open_session(
    data: TokenRequest, session: SessionDep, config: Config, client: ClientAddress, request: Request
) -> Response:
    """Sign in as with POST /v1/auth/token; the refresh token comes as the HttpOnly cookie
    `clinic_refresh`, never in the body. Needs `X-Requested-With: clinic-web` (else 403
    `csrf-refused`, as for a foreign `Origin` or a cross-site `Sec-Fetch-Site`)."""
    try:
        pair = await service.sign_in(session=session, data=data, config=config, client=client)
    except service.Refused as refused:
        return render_problem(refused, request.url.path)  # returned, so the failure is recorded
    return _signed_in(pair, config, request)


@router.post("/refresh", response_model=AccessToken)
async def refresh_session(
    session: SessionDep, config: Config, client: ClientAddress, request: Request
) -> Response:
    """A new access token for the session cookie, which is rotated: each value works once, and
    a spent one coming back ends the session. No or a bad cookie: 401, and the cookie is
    cleared."""
    token = request.cookies.get(COOKIE)
    try:
        if not token:
            raise service.Refused("No session cookie: sign in.", slug="invalid-refresh-token")
        pair = await service.refresh(
            session=session, refresh_token=token, config=config, client=client
        )
    except service.Refused as refused:
        # Returned, so that a reused token's revocation commits.
        return _cleared(render_problem(refused, request.url.path), request)
    return _signed_in(pair, config, request)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def close_session(session: SessionDep, client: ClientAddress, request: Request) -> Response:
    """End the cookie's session (its access tokens are refused everywhere within about a
    second) and clear the cookie. No access token is needed: it may have expired. Without a
    cookie there is nothing to end: 204 all the same."""
    token = request.cookies.get(COOKIE)
    if token:
        await service.sign_out_with_refresh_token(
            session=session, refresh_token=token, client=client
        )
    return _cleared(Response(status_code=status.HTTP_204_NO_CONTENT), request)


def _signed_in(pair: TokenPair, config: IdentityConfig, request: Request) -> JSONResponse:
    body = AccessToken(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        offline_hours=config.offline_hours,
    )
    response = JSONResponse(body.model_dump(mode="json"), headers=NO_STORE)
    response.set_cookie(
        COOKIE,
        pair.refresh_token,
        max_age=pair.refresh_expires_in,
        path=COOKIE_PATH,
        secure=cookie_must_be_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


def _cleared(response: Response, request: Request) -> Response:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        secure=cookie_must_be_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response
