"""The web app's sessions: the refresh token as an HttpOnly cookie, rotated, ended, and guarded
against other sites; the JSON token routes unchanged beside them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from http.cookiejar import DefaultCookiePolicy
from http.cookies import Morsel, SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from identity.settings import Settings

from .support import (
    PASSWORD,
    PHONE,
    Register,
    SignIn,
    bearer,
    claims_of,
    refused,
    rows,
    staged,
)

WEB = {"X-Requested-With": "clinic-web"}
SESSION, REFRESH, LOGOUT = "/v1/auth/session", "/v1/auth/session/refresh", "/v1/auth/session/logout"
CSRF_REFUSED = "urn:clinic:problem:csrf-refused"
Browser = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[Browser]:
    """Clients as the web app's pages: X-Requested-With on every call, cookies sent by hand
    (the jar keeps none), so each test says which cookie value goes where."""
    async with AsyncExitStack() as stack:

        def open_browser(base: str = "https://identity.test", **headers: str) -> httpx.AsyncClient:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=base, headers={**WEB, **headers}
            )
            client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            return client

        def tracked(base: str = "https://identity.test", **headers: str) -> httpx.AsyncClient:
            client = open_browser(base, **headers)
            stack.push_async_callback(client.aclose)
            return client

        yield tracked


def session_cookie(response: httpx.Response) -> Morsel[str]:
    """The one clinic_refresh cookie the answer sets."""
    [header] = [h for h in response.headers.get_list("set-cookie") if "clinic_refresh=" in h]
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    return jar["clinic_refresh"]


def with_cookie(value: str) -> dict[str, str]:
    return {"Cookie": f"clinic_refresh={value}"}


async def open_session(web: httpx.AsyncClient) -> httpx.Response:
    response = await web.post(SESSION, json={"username": PHONE, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def assert_cleared(response: httpx.Response) -> None:
    cookie = session_cookie(response)
    assert cookie.value == ""
    assert (cookie["max-age"], cookie["path"]) == ("0", SESSION)


async def test_signing_in_sets_the_refresh_token_as_a_strict_httponly_cookie_only(
    browser: Browser, register: Register, client: httpx.AsyncClient, settings: Settings
) -> None:
    await register()
    response = await open_session(browser())

    assert set(response.json()) == {"access_token", "token_type", "expires_in", "offline_hours"}
    assert response.json()["offline_hours"] == 72  # IDENTITY_OFFLINE_SESSION_HOURS
    assert response.json()["token_type"] == "Bearer"
    assert response.headers["cache-control"] == "no-store"
    cookie = session_cookie(response)
    assert cookie.value.startswith("rt_")
    assert cookie.value not in response.text  # never readable by the page's scripts
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/v1/auth/session"
    assert cookie["max-age"] == str(settings.refresh_token_ttl_days * 86400)
    assert cookie["secure"] is True
    assert (await client.get("/v1/me", headers=bearer(response.json()))).status_code == 200


@pytest.mark.parametrize(
    ("base", "headers", "secure"),
    [
        ("https://identity.test", {}, True),
        ("https://127.0.0.1", {}, True),
        ("http://identity.test", {}, True),  # a browser refuses it: production must be HTTPS
        ("http://127.0.0.1:8000", {}, False),
        ("http://localhost:8000", {}, False),
        ("http://[::1]:8000", {}, False),
        # Behind the gateway: the host the browser addressed is the gateway's X-Forwarded-Host.
        ("http://identity.test", {"X-Forwarded-Host": "127.0.0.1:8000"}, False),
        ("http://127.0.0.1:8001", {"X-Forwarded-Host": "clinic.example"}, True),
        (
            "http://127.0.0.1:8001",
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "127.0.0.1:8000"},
            True,
        ),
    ],
)
async def test_secure_is_left_out_only_over_plain_http_to_a_loopback_host(
    browser: Browser, register: Register, base: str, headers: dict[str, str], secure: bool
) -> None:
    await register()
    response = await open_session(browser(base, **headers))
    assert bool(session_cookie(response)["secure"]) is secure


@pytest.mark.parametrize(
    ("base", "headers"),
    [
        ("http://identity.test", {"X-Forwarded-Host": "127.0.0.1:8000"}),
        ("https://identity.test", {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "localhost"}),
    ],
)
async def test_a_distrusted_forwarded_origin_leaves_the_cookie_secure(
    browser: Browser,
    register: Register,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    base: str,
    headers: dict[str, str],
) -> None:
    await register()
    monkeypatch.setattr(settings, "trust_forwarded_origin", False)
    assert session_cookie(await open_session(browser(base, **headers)))["secure"] is True


async def test_secure_can_be_forced_even_over_plain_http_to_a_loopback_host(
    browser: Browser, register: Register, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register()
    monkeypatch.setattr(settings, "trust_forwarded_origin", False)
    monkeypatch.setattr(settings, "session_cookie_secure", "always")
    assert session_cookie(await open_session(browser("http://127.0.0.1:8000")))["secure"] is True


async def test_refresh_rotates_the_cookie(browser: Browser, register: Register) -> None:
    await register()
    web = browser()
    signed_in = await open_session(web)
    first = session_cookie(signed_in).value

    rotated = await web.post(REFRESH, headers=with_cookie(first))
    assert rotated.status_code == 200, rotated.text
    assert set(rotated.json()) == {"access_token", "token_type", "expires_in", "offline_hours"}
    assert rotated.json()["offline_hours"] == 72  # a refresh starts the offline time again
    second = session_cookie(rotated)
    assert second.value.startswith("rt_")
    assert second.value != first
    assert (second["httponly"], second["path"], second["secure"]) == (True, SESSION, True)
    assert claims_of(rotated.json())["sid"] == claims_of(signed_in.json())["sid"]


async def test_a_spent_cookie_value_coming_back_ends_the_session(
    browser: Browser, register: Register, client: httpx.AsyncClient, settings: Settings
) -> None:
    await register()
    web = browser()
    first = session_cookie(await open_session(web)).value
    rotated = await web.post(REFRESH, headers=with_cookie(first))
    second = session_cookie(rotated)

    # The first value comes back (a stolen copy): refused, and the whole session ends with it.
    reused = await web.post(REFRESH, headers=with_cookie(first))
    assert reused.status_code == 401
    assert reused.json()["type"] == "urn:clinic:problem:invalid-refresh-token"
    assert_cleared(reused)
    assert (await web.post(REFRESH, headers=with_cookie(second.value))).status_code == 401
    [event] = await staged(settings, "SessionRevoked")
    assert event["reason"] == "refresh_token_reused"
    answer = await refused(client, bearer(rotated.json()))
    assert answer.json()["reason"] == "session-revoked"


@pytest.mark.parametrize("cookie", [None, "rt_made-up", ""])
async def test_refresh_without_a_good_cookie_is_401_and_clears_it(
    browser: Browser, cookie: str | None
) -> None:
    headers = with_cookie(cookie) if cookie is not None else {}
    response = await browser().post(REFRESH, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "refresh_token" not in response.json()
    assert_cleared(response)


async def test_logout_ends_the_session_without_an_access_token(
    browser: Browser,
    register: Register,
    sign_in: SignIn,
    client: httpx.AsyncClient,
    settings: Settings,
) -> None:
    user = await register()
    web = browser()
    signed_in = await open_session(web)
    cookie = session_cookie(signed_in).value
    other = await sign_in(PHONE)  # another session, through the JSON routes

    response = await web.post(LOGOUT, headers=with_cookie(cookie))
    assert response.status_code == 204
    assert_cleared(response)
    assert (await web.post(REFRESH, headers=with_cookie(cookie))).status_code == 401
    answer = await refused(client, bearer(signed_in.json()))
    assert answer.json()["reason"] == "session-revoked"
    assert (await client.get("/v1/me", headers=bearer(other))).status_code == 200
    [event] = await staged(settings, "SessionRevoked")
    assert event["session_id"] == claims_of(signed_in.json())["sid"]
    assert (event["user_id"], event["reason"]) == (user["id"], "signed_out")
    logouts = await rows(
        settings, "SELECT actor_id::text FROM identity.audit_events WHERE action = 'auth.logout'"
    )
    assert logouts == [(user["id"],)]


async def test_logout_is_idempotent(
    browser: Browser, register: Register, settings: Settings
) -> None:
    await register()
    web = browser()
    cookie = session_cookie(await open_session(web)).value
    for headers in (with_cookie(cookie), with_cookie(cookie), {}, with_cookie("rt_made-up")):
        response = await web.post(LOGOUT, headers=headers)
        assert response.status_code == 204
        assert_cleared(response)
    assert len(await staged(settings, "SessionRevoked")) == 1


FORGED = [
    {"X-Requested-With": ""},
    {"X-Requested-With": "XMLHttpRequest"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another origin
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://identity.test"},  # the same host over another scheme
    {"Origin": "https://identity.test:8443"},
    # Behind the gateway, the origin addressed was plain HTTP: an HTTPS page is another.
    {
        "Origin": "https://clinic.example",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "clinic.example",
    },
]


@pytest.mark.parametrize("path", [SESSION, REFRESH, LOGOUT])
async def test_what_another_site_could_send_is_refused(
    browser: Browser, register: Register, settings: Settings, path: str
) -> None:
    await register()
    cookie = session_cookie(await open_session(browser())).value
    body = {"username": PHONE, "password": PASSWORD}
    for headers in FORGED:  # one session for all: each refusal must leave it as it was
        response = await browser(**headers).post(path, json=body, headers=with_cookie(cookie))
        assert response.status_code == 403, headers
        assert response.headers["content-type"] == "application/problem+json", headers
        assert response.json()["type"] == CSRF_REFUSED, headers
        assert "set-cookie" not in response.headers, headers
    # Nothing happened: the cookie still refreshes, and the session was not ended.
    assert (await browser().post(REFRESH, headers=with_cookie(cookie))).status_code == 200
    assert await staged(settings, "SessionRevoked") == []


async def test_a_missing_web_client_header_is_refused(app: FastAPI, register: Register) -> None:
    await register()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://identity.test") as bare:
        response = await bare.post(SESSION, json={"username": PHONE, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["type"] == CSRF_REFUSED


@pytest.mark.parametrize(
    ("base", "headers"),
    [
        ("https://identity.test", {"Sec-Fetch-Site": "same-origin"}),
        ("https://identity.test", {"Sec-Fetch-Site": "none"}),
        ("https://identity.test", {"Origin": "https://identity.test"}),
        ("https://identity.test:443", {"Origin": "https://IDENTITY.test"}),
        ("http://127.0.0.1:8000", {"Origin": "http://127.0.0.1:8000"}),
        # The gateway in front: the origin is the one the browser addressed.
        (
            "http://127.0.0.1:8001",
            {
                "Origin": "https://clinic.example",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "clinic.example",
            },
        ),
        (
            "http://127.0.0.1:8001",
            {"Origin": "http://127.0.0.1:8000", "X-Forwarded-Host": "127.0.0.1:8000"},
        ),
    ],
)
async def test_the_web_apps_own_requests_pass(
    browser: Browser, register: Register, base: str, headers: dict[str, str]
) -> None:
    await register()
    assert (await open_session(browser(base, **headers))).status_code == 200


WRONG = {"username": PHONE, "password": "not the password!"}


async def test_sign_in_failures_are_answered_as_on_the_token_route(
    browser: Browser, register: Register, client: httpx.AsyncClient
) -> None:
    await register()
    by_cookie = await browser().post(SESSION, json=WRONG)
    by_token = await client.post("/v1/auth/token", json=WRONG)
    assert by_cookie.status_code == by_token.status_code == 401
    assert "set-cookie" not in by_cookie.headers
    strip = {"instance"}
    assert {k: v for k, v in by_cookie.json().items() if k not in strip} == {
        k: v for k, v in by_token.json().items() if k not in strip
    }


async def test_sign_in_failures_are_throttled_as_on_the_token_route(
    browser: Browser, register: Register, client: httpx.AsyncClient, settings: Settings
) -> None:
    await register()
    web = browser()
    assert (await web.post(SESSION, json=WRONG)).status_code == 401
    assert (await client.post("/v1/auth/token", json=WRONG)).status_code == 401
    for _ in range(settings.login_account_max_failures - 2):
        assert (await web.post(SESSION, json=WRONG)).status_code == 401
    # One account, one count: the failures on either route lock both.
    blocked = await web.post(SESSION, json={"username": PHONE, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["type"] == "urn:clinic:problem:sign-in-throttled"
    assert int(blocked.headers["retry-after"]) > 0
    assert (
        await client.post("/v1/auth/token", json={"username": PHONE, "password": PASSWORD})
    ).status_code == 429


async def test_the_json_token_routes_are_unchanged(
    register: Register, client: httpx.AsyncClient
) -> None:
    await register()
    response = await client.post("/v1/auth/token", json={"username": PHONE, "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_expires_in",
    }
    assert "set-cookie" not in response.headers
    refreshed = await client.post(
        "/v1/auth/refresh", json={"refresh_token": response.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert "refresh_token" in refreshed.json()
    assert "set-cookie" not in refreshed.headers
