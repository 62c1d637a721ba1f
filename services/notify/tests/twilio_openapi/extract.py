"""Cut the Messages API out of Twilio's published OpenAPI description, as JSON Schema.

Twilio publishes its OpenAPI descriptions (github.com/twilio/twilio-oai); the npm package
`@twilio-alpha/mcp` ships them. To refresh `messages.json`:

    npm pack @twilio-alpha/mcp@0.7.0 && tar xzf twilio-alpha-mcp-0.7.0.tgz \
        package/twilio-oai/spec/json/twilio_api_v2010.json
    python services/notify/tests/twilio_openapi/extract.py \
        package/twilio-oai/spec/json/twilio_api_v2010.json

OpenAPI 3.0's `nullable` becomes a JSON Schema type list and component references become
`$defs`, so `jsonschema` can check the fake's answers and the SDK's requests against it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
COMPONENTS = "#/components/schemas/"


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema (draft 2020-12)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: to_json_schema(value)
        for key, value in node.items()
        if key not in ("nullable", "description", "x-twilio", "examples", "example")
    }
    if isinstance(converted.get("$ref"), str):
        converted["$ref"] = converted["$ref"].replace(COMPONENTS, "#/$defs/")
    if node.get("nullable") and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    if node.get("nullable") and "enum" in converted:
        converted["enum"] = [*converted["enum"], None]
    return converted


def referenced(node: Any, found: set[str]) -> set[str]:
    """Names of the component schemas a node refers to."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENTS):
            found.add(ref.removeprefix(COMPONENTS))
        for value in node.values():
            referenced(value, found)
    elif isinstance(node, list):
        for item in node:
            referenced(item, found)
    return found


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    path = spec["paths"][MESSAGES]
    form = "application/x-www-form-urlencoded"
    picked = {
        "create_request": path["post"]["requestBody"]["content"][form]["schema"],
        "message": path["post"]["responses"]["201"]["content"]["application/json"]["schema"],
        "list_response": path["get"]["responses"]["200"]["content"]["application/json"]["schema"],
    }
    names: set[str] = set()
    pending = referenced(picked, set())
    while pending:
        name = pending.pop()
        names.add(name)
        pending |= referenced(spec["components"]["schemas"][name], set()) - names
    document = {
        "source": f"twilio-oai {spec['info'].get('version')} ({spec['openapi']}), {MESSAGES}",
        "list_parameters": sorted(p["name"] for p in path["get"]["parameters"]),
        **{key: to_json_schema(value) for key, value in picked.items()},
        "$defs": {
            name: to_json_schema(spec["components"]["schemas"][name]) for name in sorted(names)
        },
    }
    out = Path(__file__).with_name("messages.json")
    out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} ({len(names)} component schemas)")


if __name__ == "__main__":
    main(sys.argv[1])
