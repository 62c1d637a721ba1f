"""Hop-by-hop headers stop at the gateway; forwarding headers are added."""

from __future__ import annotations

from gateway.headers import (
    ClientView,
    client_address,
    client_response_headers,
    connection_named,
    upstream_request_headers,
)

CLIENT = ClientView(peer="10.0.0.9", scheme="https", host="api.example", request_id="req-12345678")


def names(headers: list[tuple[bytes, bytes]]) -> list[bytes]:
    return [name for name, _ in headers]


def value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    return next(v for n, v in headers if n == name)


def test_hop_by_hop_and_connection_named_headers_are_dropped() -> None:
    incoming = [
        (b"connection", b"keep-alive, X-Private"),
        (b"x-private", b"1"),
        (b"keep-alive", b"timeout=5"),
        (b"te", b"trailers"),
        (b"upgrade", b"h2c"),
        (b"transfer-encoding", b"chunked"),
        (b"proxy-authorization", b"Basic abc"),
        (b"authorization", b"Bearer token"),
        (b"host", b"api.example"),
        (b"accept", b"application/json"),
    ]
    sent = upstream_request_headers(incoming, CLIENT, trust_forwarded_for=False)
    assert names(sent)[:2] == [b"authorization", b"accept"]
    assert value(sent, b"authorization") == b"Bearer token"
    assert b"host" not in names(sent)


def test_forwarding_headers_describe_the_caller() -> None:
    sent = upstream_request_headers([], CLIENT, trust_forwarded_for=False)
    assert value(sent, b"x-forwarded-for") == b"10.0.0.9"
    assert value(sent, b"x-forwarded-proto") == b"https"
    assert value(sent, b"x-forwarded-host") == b"api.example"
    assert value(sent, b"x-request-id") == b"req-12345678"


def test_forwarding_headers_from_an_untrusted_client_are_replaced() -> None:
    spoofed = [
        (b"x-forwarded-for", b"1.2.3.4"),
        (b"x-forwarded-proto", b"ftp"),
        (b"forwarded", b"for=1.2.3.4"),
        (b"x-request-id", b"not-this-one"),
    ]
    sent = upstream_request_headers(spoofed, CLIENT, trust_forwarded_for=False)
    assert value(sent, b"x-forwarded-for") == b"10.0.0.9"
    assert value(sent, b"x-forwarded-proto") == b"https"
    assert b"forwarded" not in names(sent)
    assert [v for n, v in sent if n == b"x-request-id"] == [b"req-12345678"]


def test_a_trusted_proxy_chain_is_extended_with_the_peer() -> None:
    chain = [
        (b"x-forwarded-for", b"203.0.113.5, 198.51.100.1"),
        (b"x-forwarded-proto", b"https"),
        (b"x-forwarded-host", b"clinic.example"),
    ]
    view = ClientView(peer="10.0.0.2", scheme="http", host="gateway:8000", request_id=None)
    sent = upstream_request_headers(chain, view, trust_forwarded_for=True)
    assert value(sent, b"x-forwarded-for") == b"203.0.113.5, 198.51.100.1, 10.0.0.2"
    assert value(sent, b"x-forwarded-host") == b"clinic.example"
    assert b"x-request-id" not in names(sent)


def test_client_address_trusts_only_the_last_hop_and_only_when_told() -> None:
    headers = [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.5")]
    assert client_address("10.0.0.2", headers, trust_forwarded_for=False) == "10.0.0.2"
    assert client_address("10.0.0.2", headers, trust_forwarded_for=True) == "203.0.113.5"
    assert client_address("10.0.0.2", [], trust_forwarded_for=True) == "10.0.0.2"


def test_response_headers_keep_repeated_ones_and_drop_hop_by_hop() -> None:
    upstream = [
        (b"content-type", b"application/json"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
        (b"connection", b"X-Internal"),
        (b"x-internal", b"1"),
        (b"transfer-encoding", b"chunked"),
        (b"date", b"Mon, 01 Jan 2024 00:00:00 GMT"),
        (b"server", b"uvicorn"),
        (b"x-request-id", b"abc"),
    ]
    assert client_response_headers(upstream) == [
        (b"content-type", b"application/json"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
    ]


def test_connection_tokens_are_case_insensitive() -> None:
    assert connection_named([(b"Connection", b"Close, X-A ,x-b")]) == {b"close", b"x-a", b"x-b"}


def test_content_length_beside_transfer_encoding_is_dropped() -> None:
    smuggled = [(b"content-length", b"5"), (b"transfer-encoding", b"chunked"), (b"expect", b"x")]
    sent = upstream_request_headers(smuggled, CLIENT, trust_forwarded_for=False)
    assert not {b"content-length", b"transfer-encoding", b"expect"} & set(names(sent))
    plain = upstream_request_headers([(b"content-length", b"5")], CLIENT, trust_forwarded_for=False)
    assert value(plain, b"content-length") == b"5"
