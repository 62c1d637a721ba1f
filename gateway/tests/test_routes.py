"""The routing table: every prefix reaches its owner; the most specific match wins."""

from __future__ import annotations

import pytest
from gateway.routes import (
    ROUTES,
    PublicRoute,
    Route,
    find_route,
    is_public,
    owning_service,
    services,
)


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/v1/auth/login", "identity"),
        ("/v1/me", "identity"),
        ("/v1/users/42", "identity"),
        ("/v1/clinics", "identity"),
        ("/v1/clinics/7", "identity"),
        ("/v1/clinics/7/members", "identity"),
        ("/v1/audit-events", "identity"),
        ("/.well-known/jwks.json", "identity"),
        ("/v1/clinics/7/coverage", "shifts"),
        ("/v1/clinics/7/coverage/2025-01-01", "shifts"),
        ("/v1/clinics/7/closures/5", "shifts"),
        ("/v1/shift-templates", "shifts"),
        ("/v1/shifts/3", "shifts"),
        ("/v1/leave", "shifts"),
        ("/v1/slots", "booking"),
        ("/v1/slot-holds/9", "booking"),
        ("/v1/appointments/1/cancel", "booking"),
        ("/v1/appointment-types", "booking"),
        ("/v1/rooms", "booking"),
        ("/v1/waitlist", "booking"),
        ("/v1/sync", "booking"),
        ("/v1/notifications", "notify"),
        ("/v1/webhooks/twilio", "notify"),
        ("/v1/clinics/7/message-templates", "notify"),
        ("/v1/clinics/7/message-templates/reminder/sw-KE", "notify"),
        ("/v1/clinics/7/notification-settings", "notify"),
        ("/v1/me/notification-preferences", "notify"),
        ("/v1/me/password", "identity"),
        ("/v1/reports/daily", "reporting"),
        ("/v1/users/", "identity"),
    ],
)
def test_each_prefix_reaches_its_owner(path: str, service: str) -> None:
    assert owning_service(path) == service


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/v1",
        "/v1/unknown",
        "/v1/usersx",  # prefixes match whole segments, not characters
        "/v2/users",
        "/v1/clinics/coverage",  # the clinic id is missing, so this is clinic "coverage"
        "/v1/reports/../users",
        "/v1/./users",
        "/.well-known/other",
    ],
)
def test_paths_no_service_owns(path: str) -> None:
    if path == "/v1/clinics/coverage":
        assert owning_service(path) == "identity"
    else:
        assert owning_service(path) is None


def test_literal_segments_beat_wildcards_at_equal_length() -> None:
    routes = (Route("/v1/things/{id}", "a"), Route("/v1/things/special", "b"))
    assert owning_service("/v1/things/special/x", routes) == "b"
    assert owning_service("/v1/things/other/x", routes) == "a"


def test_longest_prefix_wins_whatever_the_table_order() -> None:
    assert find_route("/v1/clinics/7/coverage", tuple(reversed(ROUTES))) == Route(
        "/v1/clinics/{id}/coverage", "shifts"
    )


def test_every_service_has_routes() -> None:
    assert sorted(services()) == ["booking", "identity", "notify", "reporting", "shifts"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/auth/register"),
        ("POST", "/v1/auth/token"),
        ("post", "/v1/auth/refresh"),
        ("POST", "/v1/auth/session"),
        ("POST", "/v1/auth/session/refresh"),
        ("POST", "/v1/auth/session/logout"),
        ("GET", "/v1/auth/password-policy"),
        ("GET", "/.well-known/jwks.json"),
        ("HEAD", "/.well-known/jwks.json"),
        ("POST", "/v1/webhooks/twilio"),
        ("GET", "/v1/webhooks/whatsapp/verify"),
        ("DELETE", "/v1/webhooks"),
        ("GET", "/healthz"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/v1/slots"),
        ("GET", "/v1/appointment-types/7"),
    ],
)
def test_public_paths(method: str, path: str) -> None:
    assert is_public(method, path)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/auth/token"),  # public for POST only
        ("POST", "/v1/auth/password-policy"),  # public for reading only
        ("POST", "/v1/auth/login"),
        ("POST", "/v1/auth/tokens"),  # whole segments, not characters
        ("GET", "/v1/auth/session"),  # public for POST only
        ("POST", "/v1/auth/sessions"),
        ("POST", "/v1/authx/token"),
        ("DELETE", "/.well-known/jwks.json"),
        ("GET", "/v1/webhooksx"),
        ("POST", "/v1/webhooks/../appointments"),  # dot segments are never public
        ("GET", "/v1/users/42"),
        ("GET", "/v1/audit-events"),
        ("POST", "/v1/appointment-types"),  # reading is public, changing is not
        ("POST", "/healthz"),
        ("GET", "/"),
    ],
)
def test_private_paths(method: str, path: str) -> None:
    assert not is_public(method, path)


def test_public_routes_can_be_given() -> None:
    public = (PublicRoute(frozenset({"GET"}), "/v1/things/{id}/public"),)
    assert is_public("GET", "/v1/things/7/public/photo", public)
    assert not is_public("GET", "/v1/things/7", public)
