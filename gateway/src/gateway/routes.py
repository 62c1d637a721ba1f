"""The routing table: which service owns a path; the most specific prefix wins."""

from __future__ import annotations

from dataclasses import dataclass

WILDCARD = "{id}"


@dataclass(frozen=True)
class Route:
    """A path prefix (segment-wise; `{id}` matches any one segment) and its owning service."""

    prefix: str
    service: str

    @property
    def segments(self) -> tuple[str, ...]:
        """The prefix split into path segments."""
        return tuple(s for s in self.prefix.split("/") if s)

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
    Route("/v1/clinics/{id}/coverage", "shifts"),
    Route("/v1/shift-templates", "shifts"),
    Route("/v1/shifts", "shifts"),
    Route("/v1/leave", "shifts"),
    Route("/v1/slots", "booking"),
    Route("/v1/slot-holds", "booking"),
    Route("/v1/appointments", "booking"),
    Route("/v1/appointment-types", "booking"),
    Route("/v1/rooms", "booking"),
    Route("/v1/waitlist", "booking"),
    Route("/v1/sync", "booking"),
    Route("/v1/notifications", "notify"),
    Route("/v1/webhooks", "notify"),
    Route("/v1/message-templates", "notify"),
    Route("/v1/reports", "reporting"),
)


def path_segments(path: str) -> tuple[str, ...] | None:
    """The segments of a path, or None when it holds `.` or `..` (never routed)."""
    segments = tuple(s for s in path.split("/") if s)
    # httpx resolves dot segments, so /v1/reports/../users would reach reporting as /v1/users.
    if any(s in (".", "..") for s in segments):
        return None
    return segments


def _matches(route: Route, segments: tuple[str, ...]) -> bool:
    prefix = route.segments
    if len(prefix) > len(segments):
        return False
    return all(p in (WILDCARD, s) for p, s in zip(prefix, segments, strict=False))


def find_route(path: str, routes: tuple[Route, ...] = ROUTES) -> Route | None:
    """The most specific route whose prefix matches the path, if any."""
    segments = path_segments(path)
    if segments is None:
        return None
    candidates = [route for route in routes if _matches(route, segments)]
    return max(candidates, key=Route.specificity, default=None)


def owning_service(path: str, routes: tuple[Route, ...] = ROUTES) -> str | None:
    """The name of the service that owns the path, or None when no service does."""
    route = find_route(path, routes)
    return route.service if route else None


def services(routes: tuple[Route, ...] = ROUTES) -> list[str]:
    """Every service named in the table, in table order."""
    return list(dict.fromkeys(route.service for route in routes))
