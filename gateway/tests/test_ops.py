"""The gateway's own endpoints: health, readiness, metrics, one OpenAPI for all, Swagger UI."""

from __future__ import annotations

import httpx

from .conftest import GatewayFactory, free_port_with_nothing_listening


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_metrics_count_requests_and_upstream_outcomes(user_client: httpx.Client) -> None:
    user_client.get("/v1/slots")
    user_client.get("/v1/notifications")  # notify is down
    response = user_client.get("/metrics")
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    assert 'gateway_upstream_responses_total{outcome="200",service="booking"}' in response.text
    assert 'gateway_upstream_responses_total{outcome="unavailable",service="notify"}' in (
        response.text
    )


def test_readyz_reports_each_service(client: httpx.Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["jwks"] == "ok"
    assert checks["upstreams"] == {
        "identity": "ok",
        "booking": "ok",
        "shifts": "ok",
        "notify": "unreachable",
        "reporting": "ok",
    }


def test_readyz_is_503_when_tokens_cannot_be_verified(start_gateway: GatewayFactory) -> None:
    jwks_url = f"http://127.0.0.1:{free_port_with_nothing_listening()}/.well-known/jwks.json"
    url = start_gateway(JWKS_URL=jwks_url)
    with httpx.Client(base_url=url, trust_env=False, timeout=20) as http:
        response = http.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["checks"]["jwks"] == "unreachable"


def test_openapi_merges_the_services_and_lists_those_down(client: httpx.Client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert "/v1/users/{user_id}" in paths
    assert "/v1/appointments/{appointment_id}/detail" in paths
    assert "/v1/clinics/{clinic_id}/coverage/summary" in paths
    assert "/v1/users/shadow" not in paths  # served by booking, owned by identity
    assert "/v1/clinics/{clinic_id}/coverage" not in paths  # served by identity, owned by shifts
    assert "/healthz" not in paths
    assert document["x-unavailable-services"] == ["notify"]
    schemas = document["components"]["schemas"]
    assert {"identity_Thing", "booking_Thing", "Coverage", "HTTPValidationError"} <= set(schemas)
    user = paths["/v1/users/{user_id}"]["get"]["responses"]["200"]["content"]
    assert user["application/json"]["schema"] == {"$ref": "#/components/schemas/identity_Thing"}


def test_openapi_keeps_the_bearer_scheme_for_swagger_authorize(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["HTTPBearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["paths"]["/v1/users/{user_id}"]["get"]["security"] == [{"HTTPBearer": []}]


def test_docs_serve_swagger_ui_for_the_merged_document(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text
    assert "/openapi.json" in response.text
