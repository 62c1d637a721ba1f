"""One OpenAPI document from the services' own: owned paths only, schema names kept apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gateway.routes import owning_service

SCHEMA_REF = "#/components/schemas/"
Document = dict[str, Any]
Renames = dict[str, dict[str, str]]  # service -> {original schema name: merged name}

INFO = {
    "title": "Clinic scheduling API",
    "version": "1",
    "description": "Every service's API, as served through the gateway.",
}


def merge_openapi(
    documents: Mapping[str, Mapping[str, Any]],
    unavailable: Iterable[str] = (),
    *,
    owner: Callable[[str], str | None] = owning_service,
) -> Document:
    """Merge the services' documents; `unavailable` names services whose document is missing."""
    schemas = {service: _schemas(doc) for service, doc in documents.items()}
    renames = collision_renames(schemas)
    paths: Document = {}
    merged_schemas: Document = {}
    for service, doc in documents.items():
        owned = {p: item for p, item in doc.get("paths", {}).items() if owner(p) == service}
        paths.update(rewrite_refs(owned, renames[service]))
        for name, schema in schemas[service].items():
            merged_name = renames[service].get(name, name)
            merged_schemas[merged_name] = rewrite_refs(schema, renames[service])
    components: Document = {"schemas": dict(sorted(merged_schemas.items()))}
    security = _first_wins(
        doc.get("components", {}).get("securitySchemes", {}) for doc in documents.values()
    )
    if security:
        components["securitySchemes"] = security
    return {
        "openapi": "3.1.0",
        "info": dict(INFO),
        "paths": dict(sorted(paths.items())),
        "components": components,
        "tags": _tags(documents.values()),
        "x-unavailable-services": sorted(unavailable),
    }


def _schemas(doc: Mapping[str, Any]) -> dict[str, Any]:
    return dict(doc.get("components", {}).get("schemas", {}))


def collision_renames(schemas: Mapping[str, Mapping[str, Any]]) -> Renames:
    """Names to give schemas that two services define differently: `<service>_<name>`."""
    renames: Renames = {service: {} for service in schemas}
    while True:
        # Renaming one schema changes the schemas that refer to it, which may clash in turn,
        # so this repeats until the merged names are stable.
        bodies: dict[str, list[tuple[str, str, Any]]] = {}
        for service, definitions in schemas.items():
            for name, schema in definitions.items():
                merged = renames[service].get(name, name)
                body = rewrite_refs(schema, renames[service])
                bodies.setdefault(merged, []).append((service, name, body))
        added = False
        for entries in bodies.values():
            if not _all_equal([body for _, _, body in entries]):
                for service, name, _ in entries:
                    if name not in renames[service]:
                        renames[service][name] = f"{service}_{name}"
                        added = True
        if not added:
            return renames


def _all_equal(items: list[Any]) -> bool:
    return all(item == items[0] for item in items[1:])


def rewrite_refs(node: Any, renames: Mapping[str, str]) -> Any:
    """A copy of `node` whose `$ref`s to renamed schemas point at the new names."""
    if isinstance(node, dict):
        return {
            key: _renamed_ref(value, renames) if key == "$ref" else rewrite_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [rewrite_refs(item, renames) for item in node]
    return node


def _renamed_ref(ref: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
        name = ref.removeprefix(SCHEMA_REF)
        return SCHEMA_REF + renames.get(name, name)
    return ref


def _first_wins(mappings: Iterable[Mapping[str, Any]]) -> Document:
    merged: Document = {}
    for mapping in mappings:
        for key, value in mapping.items():
            merged.setdefault(key, value)
    return merged


def _tags(documents: Iterable[Mapping[str, Any]]) -> list[Any]:
    by_name = _first_wins({tag["name"]: tag for tag in doc.get("tags", [])} for doc in documents)
    return list(by_name.values())
