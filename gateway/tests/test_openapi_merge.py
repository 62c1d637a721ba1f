"""Merging the services' OpenAPI documents: owned paths, schema clashes renamed, refs rewritten."""

from __future__ import annotations

from typing import Any

from gateway.openapi_merge import collision_renames, merge_openapi


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def document(paths: dict[str, Any], schemas: dict[str, Any], tags: Any = ()) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": paths,
        "components": {"schemas": schemas},
        "tags": list(tags),
    }


def get_returning(schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": ref(schema)}}
    return {"get": {"responses": {"200": {"content": content}}}}


IDENTITY = document(
    {
        "/v1/users/{user_id}": get_returning("Page"),
        "/v1/clinics/{clinic_id}/coverage": get_returning("Page"),  # shifts owns it
        "/healthz": {"get": {}},
    },
    {
        "Page": {"properties": {"items": {"items": ref("Item")}}},
        "Item": {"properties": {"user_id": {"type": "string"}}},
        "HTTPValidationError": {"type": "object"},
    },
    tags=[{"name": "users"}],
)
BOOKING = document(
    {"/v1/appointments": get_returning("Page"), "/v1/users/x": get_returning("Item")},
    {
        "Page": {"properties": {"items": {"items": ref("Item")}}},
        "Item": {"properties": {"appointment_id": {"type": "string"}}},
        "HTTPValidationError": {"type": "object"},
    },
    tags=[{"name": "users"}, {"name": "appointments"}],
)


def test_only_paths_a_service_owns_are_taken_from_it() -> None:
    merged = merge_openapi({"identity": IDENTITY, "booking": BOOKING})
    assert sorted(merged["paths"]) == ["/v1/appointments", "/v1/users/{user_id}"]


def test_clashing_schemas_are_prefixed_and_refs_follow() -> None:
    merged = merge_openapi({"identity": IDENTITY, "booking": BOOKING})
    schemas = merged["components"]["schemas"]
    assert sorted(schemas) == [
        "HTTPValidationError",
        "booking_Item",
        "booking_Page",
        "identity_Item",
        "identity_Page",
    ]
    # Page is spelled the same in both, but refers to an Item that differs: it clashes too.
    assert schemas["booking_Page"]["properties"]["items"]["items"] == ref("booking_Item")
    response = merged["paths"]["/v1/users/{user_id}"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == ref("identity_Page")


def test_identical_schemas_are_kept_once_under_their_name() -> None:
    assert collision_renames(
        {"identity": {"Shared": {"type": "object"}}, "booking": {"Shared": {"type": "object"}}}
    ) == {"identity": {}, "booking": {}}


def test_unavailable_services_are_listed_and_tags_deduplicated() -> None:
    merged = merge_openapi({"booking": BOOKING}, ["notify", "identity"])
    assert merged["x-unavailable-services"] == ["identity", "notify"]
    assert merged["tags"] == [{"name": "users"}, {"name": "appointments"}]
    assert merged["openapi"] == "3.1.0"


BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def secured(doc: dict[str, Any], schemes: dict[str, Any], **top_level: Any) -> dict[str, Any]:
    """The document with security schemes, each operation requiring HTTPBearer."""
    paths = {
        path: {method: {**op, "security": [{"HTTPBearer": []}]} for method, op in item.items()}
        for path, item in doc["paths"].items()
    }
    components = {**doc["components"], "securitySchemes": schemes}
    return {**doc, "paths": paths, "components": components, **top_level}


def test_identical_security_schemes_are_kept_once_for_swagger_authorize() -> None:
    merged = merge_openapi(
        {
            "identity": secured(IDENTITY, {"HTTPBearer": BEARER}),
            "booking": secured(BOOKING, {"HTTPBearer": BEARER}),
        }
    )
    assert merged["components"]["securitySchemes"] == {"HTTPBearer": BEARER}
    for path in ("/v1/appointments", "/v1/users/{user_id}"):
        assert merged["paths"][path]["get"]["security"] == [{"HTTPBearer": []}]


def test_clashing_security_schemes_are_prefixed_and_operations_follow() -> None:
    described = {**BEARER, "description": "booking's own words"}
    merged = merge_openapi(
        {
            "identity": secured(IDENTITY, {"HTTPBearer": BEARER}),
            "booking": secured(BOOKING, {"HTTPBearer": described}),
        }
    )
    assert merged["components"]["securitySchemes"] == {
        "booking_HTTPBearer": described,
        "identity_HTTPBearer": BEARER,
    }
    appointments = merged["paths"]["/v1/appointments"]["get"]
    assert appointments["security"] == [{"booking_HTTPBearer": []}]


def test_a_documents_default_security_moves_into_its_own_operations() -> None:
    identity = {
        **IDENTITY,
        "components": {**IDENTITY["components"], "securitySchemes": {"HTTPBearer": BEARER}},
        "security": [{"HTTPBearer": []}],
    }
    merged = merge_openapi({"identity": identity, "booking": BOOKING})
    assert "security" not in merged
    assert merged["paths"]["/v1/users/{user_id}"]["get"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in merged["paths"]["/v1/appointments"]["get"]


def test_documents_without_security_schemes_merge_without_any() -> None:
    merged = merge_openapi({"identity": IDENTITY, "booking": BOOKING})
    assert "securitySchemes" not in merged["components"]
