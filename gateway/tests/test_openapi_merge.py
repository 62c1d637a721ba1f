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
