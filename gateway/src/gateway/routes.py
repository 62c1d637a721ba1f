"""The routing table (which service owns a path) and the public paths that need no token."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

WILDCARD = "{id}"


@dataclass(frozen=True)
class Route:
    """A path prefix (segment-wise; `{id}` matches any one segment) and its owning service."""

    prefix: str
    service: str

    @cached_property
    def segments(self) -> tuple[str, ...]:
        """The prefix split into path segments."""
        return prefix_segments(self.prefix)

    def specificity(self) -> tuple[int, int]:
        """Longer prefixes win; at equal length, literal segments beat wildcards."""
        segments = self.segments
        return len(segments), sum(s != WILDCARD for s in segments)


ROUTES: tuple[Route, ...] = (
    Route("/.well-known/jwks.json", "identity"),
    Route("/v1/auth", "identity"),
    Route("/v1/me", "identity"),
    Route("/v1/users", "identity"),
    Route("/v1/clinics", "identity"),
    Route("/v1/audit-events", "identity"),
    Route("/v1/clinics/{id}/coverage", "shifts"),
    Route("/v1/clinics/{id}/closures", "shifts"),
    Route("/v1/shift-templates", "shifts"),
    Route("/v1/shifts", "shifts"),
    Route("/v1/leave", "shifts"),
    Route("/v1/slots", "booking"),
    Route("/v1/slot-holds", "booking"),
    Route("/v1/appointments", "booking"),
    Route("/v1/appointment-types", "booking"),
    Route("/v1/rooms", "booking"),
    Route("/v1/waitlist", "booking"),
    Route("/v1/allotments", "booking"),
    Route("/v1/sync", "booking"),
    Route("/v1/notifications", "notify"),
    Route("/v1/webhooks", "notify"),
    Route("/v1/clinics/{id}/message-templates", "notify"),
    Route("/v1/clinics/{id}/notification-settings", "notify"),
    Route("/v1/me/notification-preferences", "notify"),
    Route("/v1/reports", "reporting"),
)


ANY_METHOD = "*"
ANY = frozenset({ANY_METHOD})
READ = frozenset({"GET", "HEAD"})
POST = frozenset({"POST"})


@dataclass(frozen=True)
class PublicRoute:
    """Requests that may come without a token: these methods (`*`: any) on this prefix."""

    methods: frozenset[str]
    prefix: str

    @cached_property
    def segments(self) -> tuple[str, ...]:
        """The prefix split into path segments."""
        return prefix_segments(self.prefix)

    def allows(self, method: str, segments: tuple[str, ...]) -> bool:
        """Whether a request with this method and these path segments is public."""
        method_ok = ANY_METHOD in self.methods or method.upper() in self.methods
        return method_ok and _prefix_matches(self.segments, segments)


# Everything else needs a valid bearer token before the gateway forwards it.
PUBLIC_ROUTES: tuple[PublicRoute, ...] = (
    PublicRoute(POST, "/v1/auth/register"),
    PublicRoute(POST, "/v1/auth/token"),
    PublicRoute(POST, "/v1/auth/refresh"),
    # The web app's sessions (and /refresh, /logout below it): the refresh token is a cookie,
    # and signing out must work once the access token has expired.
    PublicRoute(POST, "/v1/auth/session"),
    PublicRoute(READ, "/v1/auth/password-policy"),
    PublicRoute(READ, "/.well-known/jwks.json"),
    # SMS / WhatsApp providers call these; notify checks the provider's signature instead.
    PublicRoute(ANY, "/v1/webhooks"),
    # Online booking: what can be booked and when, before the patient has an account.
    PublicRoute(READ, "/v1/appointment-types"),
    PublicRoute(READ, "/v1/slots"),
    # The gateway's own endpoints, listed so the table tells the whole story.
    PublicRoute(READ, "/healthz"),
    PublicRoute(READ, "/readyz"),
    PublicRoute(READ, "/openapi.json"),
    PublicRoute(READ, "/docs"),
)


def prefix_segments(prefix: str) -> tuple[str, ...]:
    """A prefix split into path segments."""
    return tuple(s for s in prefix.split("/") if s)


def path_segments(path: str) -> tuple[str, ...] | None:
    """The segments of a path, or None when it holds `.` or `..` (never routed)."""
    segments = tuple(s for s in path.split("/") if s)
    # httpx resolves dot segments, so /v1/reports/../users would reach reporting as /v1/users.
    if any(s in (".", "..") for s in segments):
        return None
    return segments


def _prefix_matches(prefix: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    if len(prefix) > len(segments):
        return False
    for wanted, segment in zip(prefix, segments, strict=False):  # a loop: no generator to make
        if wanted != segment and wanted != WILDCARD:
            return False
    return True


@cache
def _most_specific_first(routes: tuple[Route, ...]) -> tuple[Route, ...]:
    # A stable sort: equally specific routes keep the table's order.
    return tuple(sorted(routes, key=Route.specificity, reverse=True))


def find_route(path: str, routes: tuple[Route, ...] = ROUTES) -> Route | None:
    """The most specific route whose prefix matches the path, if any."""
    segments = path_segments(path)
    if segments is None:
        return None
    matching = (r for r in _most_specific_first(routes) if _prefix_matches(r.segments, segments))
    return next(matching, None)


def owning_service(path: str, routes: tuple[Route, ...] = ROUTES) -> str | None:
    """The name of the service that owns the path, or None when no service does."""
    route = find_route(path, routes)
    return route.service if route else None


def services(routes: tuple[Route, ...] = ROUTES) -> list[str]:
    """Every service named in the table, in table order."""
    return list(dict.fromkeys(route.service for route in routes))


def is_public(method: str, path: str, public: tuple[PublicRoute, ...] = PUBLIC_ROUTES) -> bool:
    """Whether `method path` may be sent without a token (a sent token is checked anyway)."""
    segments = path_segments(path)
    return segments is not None and any(route.allows(method, segments) for route in public)
