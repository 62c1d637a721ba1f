"""What the cookie routes must know of the browser behind a request: the origin it addressed,
whether its cookie must be Secure, and whether another site could have made it send the request.

The CSRF defence of the cookie routes is SameSite=Strict (a browser sends the cookie only with
requests that its own pages of this site start) plus the checks of `refuse_cross_site`:
- `X-Requested-With: clinic-web` is required. A cross-site form cannot send a header, and a
  cross-origin fetch can only after a CORS preflight, which fails for it: the gateway's CORS
  allows no such header, and with CORS off identity answers the preflight 405;
- `Sec-Fetch-Site`, when the browser sends it, must be `same-origin` (or `none`: typed by the
  user), so a page of a sibling subdomain is refused too;
- `Origin`, when sent, must be the request's own origin.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from fastapi import Request
from servicekit.problems import Forbidden
from servicekit.runtime import runtime_of

from identity.settings import Settings

WEB_CLIENT_HEADER = "X-Requested-With"
WEB_CLIENT = "clinic-web"
SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
DEFAULT_PORTS = {"http": ":80", "https": ":443"}


class CsrfRefused(Forbidden):
    """A cookie route called in a way another site's page could have caused."""

    slug = "csrf-refused"


def _settings(request: Request) -> Settings:
    return cast(Settings, runtime_of(request).settings)


def _forwarded(request: Request, name: str) -> str | None:
    """The first value of a forwarding header, when the settings trust it."""
    value = request.headers.get(name) if _settings(request).trust_forwarded_origin else None
    return value.split(",")[0].strip().lower() if value else None


def addressed(request: Request) -> tuple[str, str]:
    """The scheme and host (with its port) the browser addressed: behind the gateway, its
    X-Forwarded-Proto and X-Forwarded-Host."""
    proto = _forwarded(request, "x-forwarded-proto")
    # Else uvicorn's scheme, which is a trusted peer's X-Forwarded-Proto (FORWARDED_ALLOW_IPS).
    scheme = proto if proto in ("http", "https") else request.url.scheme
    host = _forwarded(request, "x-forwarded-host") or request.headers.get("host", "").lower()
    return scheme, host


def _origin(scheme: str, netloc: str) -> str:
    """`scheme://host[:port]` in lower case, without the scheme's default port, as browsers
    write Origin."""
    scheme, netloc = scheme.lower(), netloc.lower()
    default = DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc.removesuffix(default)
    return f"{scheme}://{netloc}"


def own_origin(request: Request) -> str:
    """The origin the browser sent the request to."""
    return _origin(*addressed(request))


def cookie_must_be_secure(request: Request) -> bool:
    """Secure unless configured `auto` and the browser came over plain HTTP to a loopback host,
    where a Secure cookie might never come back (the local stack at http://127.0.0.1:8000)."""
    scheme, host = addressed(request)
    if _settings(request).session_cookie_secure == "always" or scheme != "http":
        return True
    try:
        hostname = urlsplit(f"//{host}").hostname
    except ValueError:  # a malformed host: not one of ours, so no exception for it
        return True
    return hostname not in LOOPBACK_HOSTS


async def refuse_cross_site(request: Request) -> None:
    """403 `csrf-refused` unless the request can only have come from the web app's own pages."""
    if request.headers.get(WEB_CLIENT_HEADER) != WEB_CLIENT:
        raise CsrfRefused(f"Send the header {WEB_CLIENT_HEADER}: {WEB_CLIENT} on this route.")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in SAME_ORIGIN_FETCHES:
        raise CsrfRefused(f"A request from another site ({site}) may not use the session cookie.")
    origin = request.headers.get("origin")
    if origin is not None and _origin_of(origin) != own_origin(request):
        raise CsrfRefused("A request from another origin may not use the session cookie.")


def _origin_of(header: str) -> str:
    try:
        parts = urlsplit(header.strip())
    except ValueError:
        return "invalid"
    # "null" (a sandboxed or file: page) has neither, and matches no origin of ours.
    return _origin(parts.scheme, parts.netloc) if parts.scheme and parts.netloc else "null"
