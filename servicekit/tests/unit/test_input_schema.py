"""Reading an OpenAPI document: which operation serves a path, and what type each input has."""

from __future__ import annotations

from servicekit.input_schema import OperationIndex, SchemaView

COMPONENTS = {
    "Shift": {
        "type": "object",
        "properties": {
            "starts_at": {"type": "string", "format": "date-time"},
            "breaks": {"type": "array", "items": {"$ref": "#/components/schemas/Break"}},
            "next": {"anyOf": [{"$ref": "#/components/schemas/Shift"}, {"type": "null"}]},
            "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    },
    "Break": {"type": "object", "properties": {"minutes": {"type": ["integer", "null"]}}},
}
DOCUMENT = {
    "paths": {
        "/v1/shifts/roster": {"get": {"parameters": []}},
        "/v1/shifts/{shift_id}": {
            "parameters": [{"in": "path", "name": "shift_id", "schema": {"type": "integer"}}],
            "get": {"parameters": [{"in": "query", "name": "on", "schema": {"format": "date"}}]},
            "patch": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Shift"}}
                    }
                }
            },
        },
    },
    "components": {"schemas": COMPONENTS},
}


def test_refs_unions_arrays_and_maps_resolve_to_their_kinds() -> None:
    view = SchemaView(COMPONENTS)
    shift = [{"$ref": "#/components/schemas/Shift"}]
    assert view.kinds(view.members(shift, "starts_at")) == {"date-time"}
    breaks = view.members(shift, "breaks")
    assert view.kinds(view.members(view.items(breaks, 3), "minutes")) == {"integer"}
    # A recursive model: followed once per reference, never forever.
    assert view.kinds(view.members(view.members(shift, "next"), "starts_at")) == {"date-time"}
    assert view.kinds(view.members(view.members(shift, "tags"), "anything")) == {"integer"}
    assert view.members(shift, "unknown") == []


def test_the_first_operation_in_document_order_serves_the_path() -> None:
    index = OperationIndex(DOCUMENT)
    roster = index.find("GET", "/v1/shifts/roster")
    assert roster is not None
    assert roster[1] == {}  # the literal route, as the router would pick it
    found = index.find("HEAD", "/v1/shifts/42")  # GET routes answer HEAD
    assert found is not None
    operation, params = found
    assert params == {"shift_id": "42"}
    assert operation.params[("path", "shift_id")] == {"type": "integer"}
    assert operation.params[("query", "on")] == {"format": "date"}
    assert index.find("PATCH", "/v1/shifts/42") is not None
    assert index.find("DELETE", "/v1/shifts/42") is None
    assert index.find("GET", "/v1/shifts/42/extra") is None
    assert index.find("GET", "/v1/shifts//") is None
