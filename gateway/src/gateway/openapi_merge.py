"""One OpenAPI document from the services' own: owned paths only, component names kept apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gateway.routes import owning_service

SCHEMA_REF = "#/components/schemas/"
Document = dict[str, Any]
Renames = dict[str, dict[str, str]]  # service -> {original schema name: merged name}
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

GATEWAY = "gateway"
# Paths the gateway answers itself; its own document describes them, never a service's.
GATEWAY_PATHS = frozenset({"/v1/sync/push"})

INFO = {
    "title": "Clinic scheduling API",
    "version": "1",
    "description": "Every service's API, as served through the gateway.",
}


def merge_openapi(
    documents: Mapping[str, Mapping[str, Any]],
    unavailable: Iterable[str] = (),
    *,
    owner: Callable[[str], str | None] | None = None,
) -> Document:
    """Merge the services' documents (and the gateway's own, under "gateway"); `unavailable`
    names services whose document is missing."""
    owner = owner or route_owner
    schemas = {service: _components(doc, "schemas") for service, doc in documents.items()}
    renames = collision_renames(schemas)
    # Security schemes clash like schemas do; keeping them is what gives /docs its Authorize.
    schemes = {service: _components(doc, "securitySchemes") for service, doc in documents.items()}
    scheme_renames = collision_renames(schemes)
    paths: Document = {}
    merged_schemas: Document = {}
    merged_schemes: Document = {}
    for service, doc in documents.items():
        names, scheme_names = renames[service], scheme_renames[service]
        paths.update(rewrite_refs(_owned_paths(doc, service, owner, scheme_names), names))
        merged_schemas |= rewrite_refs(_renamed(schemas[service], names), names)
        merged_schemes |= _renamed(schemes[service], scheme_names)
    components: Document = {"schemas": dict(sorted(merged_schemas.items()))}
    if merged_schemes:
        components["securitySchemes"] = dict(sorted(merged_schemes.items()))
    return {
        "openapi": "3.1.0",
        "info": dict(INFO),
        "paths": dict(sorted(paths.items())),
        "components": components,
        "tags": _tags(documents.values()),
        "x-unavailable-services": sorted(unavailable),
    }


def route_owner(path: str) -> str | None:
    """Who answers a path through the gateway: the gateway itself, or the owning service."""
    return GATEWAY if path in GATEWAY_PATHS else owning_service(path)


def _components(doc: Mapping[str, Any], kind: str) -> dict[str, Any]:
    return dict(doc.get("components", {}).get(kind, {}))


def _renamed(definitions: Mapping[str, Any], renames: Mapping[str, str]) -> Document:
    return {renames.get(name, name): body for name, body in definitions.items()}


def _owned_paths(
    doc: Mapping[str, Any],
    service: str,
    owner: Callable[[str], str | None],
    scheme_renames: Mapping[str, str],
) -> Document:
    """The service's paths that the routing table gives it, security names merged."""
    return {
        path: _with_security(item, doc.get("security"), scheme_renames)
        for path, item in doc.get("paths", {}).items()
        if owner(path) == service
    }


def _with_security(
    path_item: Mapping[str, Any], default: list[Any] | None, renames: Mapping[str, str]
) -> Document:
    """The path item with each operation's security (or the document's) under merged names."""
    # The merged document has no top-level `security`: a service's default moves into its
    # operations, so it cannot spill over onto another service's paths.
    item = dict(path_item)
    for method, operation in path_item.items():
        if method not in HTTP_METHODS or not isinstance(operation, dict):
            continue
        requirements = operation.get("security", default)
        if requirements is not None:
            renamed = [{renames.get(k, k): v for k, v in r.items()} for r in requirements]
            item[method] = {**operation, "security": renamed}
    return item


def collision_renames(schemas: Mapping[str, Mapping[str, Any]]) -> Renames:
    """Names to give components two services define differently: `<service>_<name>`."""
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
