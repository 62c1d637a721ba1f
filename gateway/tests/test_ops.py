"""The gateway's own endpoints: health, readiness, metrics (on their own port), one OpenAPI for
all, Swagger UI."""

from __future__ import annotations

import httpx
import pytest
from gateway.metrics_port import MetricsServer

from .conftest import METRICS_URLS, GatewayFactory, free_port_with_nothing_listening, scrape


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_metrics_count_requests_and_upstream_outcomes(
    user_client: httpx.Client, gateway_url: str
) -> None:
    user_client.get("/v1/slots")
    user_client.get("/v1/notifications")  # notify is down
    text = scrape(gateway_url)
    assert "http_requests_total" in text
    assert 'gateway_upstream_responses_total{outcome="200",service="booking"}' in text
    assert 'gateway_upstream_responses_total{outcome="unavailable",service="notify"}' in text


def test_metrics_are_not_served_on_the_public_port(
    client: httpx.Client, user_client: httpx.Client, gateway_url: str
) -> None:
    for caller in (client, user_client):
        for path in ("/metrics", "/metrics/", "/v1/../metrics", "/%6detrics"):
            response = caller.get(path)
            assert response.status_code == 404, (path, response.text)
            assert "http_requests_total" not in response.text
    metrics_port = httpx.get(
        METRICS_URLS[gateway_url].replace("/metrics", "/v1/slots"), trust_env=False
    )
    assert metrics_port.status_code == 404  # and the metrics port serves nothing else


def test_a_taken_metrics_port_is_refused_at_start(gateway_url: str) -> None:
    taken = int(METRICS_URLS[gateway_url].rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(OSError, match="in use"):
        MetricsServer("127.0.0.1", taken)


def test_readyz_reports_each_service(client: httpx.Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["jwks"] == "ok"
    assert checks["revocations"] == "ok"
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


def test_readyz_is_503_until_the_revocations_in_force_are_loaded(
    start_gateway: GatewayFactory,
) -> None:
    nowhere = f"127.0.0.1:{free_port_with_nothing_listening()}"
    url = start_gateway(KAFKA_BOOTSTRAP_SERVERS=nowhere, wait_for_revocations=False)
    with httpx.Client(base_url=url, trust_env=False, timeout=20) as http:
        response = http.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["checks"]["jwks"] == "ok"
    assert response.json()["checks"]["revocations"] == "loading"
    assert "revocations" in response.json()["detail"]


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
