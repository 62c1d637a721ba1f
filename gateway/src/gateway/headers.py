"""Which headers cross the gateway: hop-by-hop ones stop here, forwarding ones are added."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RawHeaders = list[tuple[bytes, bytes]]

# RFC 9110 §7.6.1, plus the proxy-authentication pair and pre-RFC names still seen in the wild.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"proxy-connection",
        b"keep-alive",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-authenticate",
        b"proxy-authorization",
    }
)
FORWARDING = frozenset(
    {b"forwarded", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host"}
)
# Set again by the gateway itself: the upstream's Host, our request id, our server's Date.
# Expect is dropped because the gateway's own server already answered 100-continue.
REPLACED_ON_REQUEST = frozenset({b"host", b"x-request-id", b"expect"})
REPLACED_ON_RESPONSE = frozenset({b"x-request-id", b"date", b"server"})


@dataclass(frozen=True)
class ClientView:
    """What the gateway knows about the connection a request came in on."""

    peer: str
    scheme: str
    host: str
    request_id: str | None


def connection_named(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """Header names the sender listed in Connection, which are hop-by-hop too."""
    return frozenset(
        token.strip().lower()
        for name, value in headers
        if name.lower() == b"connection"
        for token in value.split(b",")
        if token.strip()
    )


def end_to_end(headers: Iterable[tuple[bytes, bytes]], drop: frozenset[bytes]) -> RawHeaders:
    """The headers without hop-by-hop ones and without the names in `drop`."""
    headers = list(headers)
    dropped = HOP_BY_HOP | connection_named(headers) | drop
    return [(name, value) for name, value in headers if name.lower() not in dropped]


def first_value(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of a header, decoded as latin-1, or None."""
    return next((v.decode("latin-1") for n, v in headers if n.lower() == name), None)


def forwarded_for_chain(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """The addresses in every X-Forwarded-For header, first hop first."""
    values = (v.decode("latin-1") for n, v in headers if n.lower() == b"x-forwarded-for")
    return [hop.strip() for value in values for hop in value.split(",") if hop.strip()]


def client_address(peer: str, headers: RawHeaders, *, trust_forwarded_for: bool) -> str:
    """The caller's address; behind a trusted proxy, the last hop that proxy appended."""
    chain = forwarded_for_chain(headers) if trust_forwarded_for else []
    # Only the last hop is written by our proxy; earlier ones are whatever the client sent.
    return chain[-1] if chain else peer


def _dropped_on_request(headers: RawHeaders, *, trust_forwarded_for: bool) -> frozenset[bytes]:
    dropped = REPLACED_ON_REQUEST | (FORWARDING - {b"forwarded"})
    if not trust_forwarded_for:
        dropped |= {b"forwarded"}
    if first_value(headers, b"transfer-encoding") is not None:
        # RFC 9112 §6.3: beside a chunked body, Content-Length is wrong and must not go on.
        dropped |= {b"content-length"}
    return dropped


def upstream_request_headers(
    headers: RawHeaders, client: ClientView, *, trust_forwarded_for: bool
) -> RawHeaders:
    """Headers to send upstream: end-to-end ones (Authorization included) plus forwarding."""
    kept = end_to_end(
        headers, _dropped_on_request(headers, trust_forwarded_for=trust_forwarded_for)
    )
    chain = forwarded_for_chain(headers) if trust_forwarded_for else []
    proto = first_value(headers, b"x-forwarded-proto") if trust_forwarded_for else None
    host = first_value(headers, b"x-forwarded-host") if trust_forwarded_for else None
    kept += [
        # Like any proxy, the gateway appends the address its connection came from.
        (b"x-forwarded-for", ", ".join([*chain, client.peer]).encode("latin-1")),
        (b"x-forwarded-proto", (proto or client.scheme).encode("latin-1")),
        (b"x-forwarded-host", (host or client.host).encode("latin-1")),
    ]
    if client.request_id:
        kept.append((b"x-request-id", client.request_id.encode("latin-1")))
    return kept


def client_response_headers(headers: Iterable[tuple[bytes, bytes]]) -> RawHeaders:
    """Headers to return to the caller from an upstream response."""
    return end_to_end(headers, REPLACED_ON_RESPONSE)
