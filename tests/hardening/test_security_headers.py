"""Every service's answers carry the security headers, and its Swagger UI runs from our origin."""

from __future__ import annotations

from typing import Any

import httpx
from servicekit.security_headers import API_POLICY


async def test_api_answers_and_docs_carry_the_headers(
    service: tuple[str, httpx.AsyncClient, dict[str, Any]],
) -> None:
    name, client, document = service
    listing = next(path for path, item in document["paths"].items() if "get" in item)
    for path in (listing, "/healthz", "/openapi.json", "/v1/nowhere"):
        response = await client.get(path)
        assert response.headers.get_list("cache-control") == ["no-store"], (name, path)
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("x-frame-options") == ["DENY"]
        assert response.headers.get_list("content-security-policy") == [API_POLICY]
        assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "script-src 'self' 'sha256-" in docs.headers["content-security-policy"]
    assert "cdn.jsdelivr.net" not in docs.text
    assert (await client.get("/docs/assets/swagger-ui.css")).status_code == 200
    assert (await client.get("/redoc")).status_code == 404  # one documentation page, not two
