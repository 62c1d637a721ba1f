"""Fail on a breaking change to a published event version.

Usage: python -m clinic_contracts.compat [--against DIR | --against-ref GIT_REF]

A message already on a topic (or waiting in an outbox) must still parse with the new model,
and consumers still on the old model must parse new messages. So, within a version: no field
removed, retyped or newly required, no event version removed. A field's type or format may
not change in either direction; a value constraint may widen (an enum value added, a bound
loosened) but not narrow. Adding an optional field or a new event type or version is fine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clinic_contracts.generate import CONTRACTS_DIR, SCHEMAS_DIR
from clinic_contracts.json_schemas import JsonSchema, render_schemas

_RAISED_MINIMUMS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_LOWERED_MAXIMUMS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


class _Comparison:
    """One walk over an old and a new schema, each resolving $refs against its own root."""

    def __init__(self, old_root: JsonSchema, new_root: JsonSchema) -> None:
        self.roots = (old_root, new_root)
        self.problems: list[str] = []
        # Pairs of definitions already compared, so recursive models terminate.
        self.seen: set[tuple[str, str]] = set()

    def compare(self, old: JsonSchema, new: JsonSchema, where: str) -> None:
        old_branches = _branches(old, self.roots[0])
        new_branches = _branches(new, self.roots[1])
        old_types = [_type_of(branch) for branch, _ in old_branches]
        new_types = [_type_of(branch) for branch, _ in new_branches]
        if set(old_types) != set(new_types):
            self.report(where, f"retyped: {_union(old_types)} -> {_union(new_types)}")
            return
        for kind in sorted(set(old_types)):
            olds = [b for b, t in zip(old_branches, old_types, strict=True) if t == kind]
            news = [b for b, t in zip(new_branches, new_types, strict=True) if t == kind]
            if len(olds) != len(news):
                self.report(where, f"the {kind} members of its union changed")
                continue
            for (old_branch, old_ref), (new_branch, new_ref) in zip(olds, news, strict=True):
                if old_ref and new_ref:
                    if (old_ref, new_ref) in self.seen:
                        continue
                    self.seen.add((old_ref, new_ref))
                self.compare_same_type(old_branch, new_branch, kind, where)

    def compare_same_type(self, old: JsonSchema, new: JsonSchema, kind: str, where: str) -> None:
        if old.get("format") != new.get("format"):
            self.report(where, f"format changed: {old.get('format')} -> {new.get('format')}")
        self.compare_values(old, new, where)
        if kind == "object":
            self.compare_objects(old, new, where)
        elif kind == "array" and ("items" in old or "items" in new):
            self.compare(old.get("items", {}), new.get("items", {}), f"{where}[]")

    def compare_values(self, old: JsonSchema, new: JsonSchema, where: str) -> None:
        old_values, new_values = _allowed_values(old), _allowed_values(new)
        if new_values is not None:
            if old_values is None:
                self.report(where, f"now restricted to {new_values!r}")
            elif removed := [value for value in old_values if value not in new_values]:
                self.report(where, f"allowed values removed: {removed!r}")
        for bound in _RAISED_MINIMUMS:
            if bound in new and (bound not in old or new[bound] > old[bound]):
                self.report(where, f"{bound} raised: {old.get(bound)} -> {new[bound]}")
        for bound in _LOWERED_MAXIMUMS:
            if bound in new and (bound not in old or new[bound] < old[bound]):
                self.report(where, f"{bound} lowered: {old.get(bound)} -> {new[bound]}")
        if "pattern" in new and new["pattern"] != old.get("pattern"):
            self.report(where, f"pattern changed: {old.get('pattern')!r} -> {new['pattern']!r}")

    def compare_objects(self, old: JsonSchema, new: JsonSchema, where: str) -> None:
        old_fields: dict[str, Any] = old.get("properties", {})
        new_fields: dict[str, Any] = new.get("properties", {})
        old_required = set(old.get("required", []))
        for name, old_field in old_fields.items():
            if name not in new_fields:
                self.report(_join(where, name), "field removed")
            else:
                self.compare(old_field, new_fields[name], _join(where, name))
        for name in sorted(set(new.get("required", [])) - old_required):
            change = (
                "optional field became required" if name in old_fields else "new required field"
            )
            self.report(_join(where, name), change)
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare(old_extra, new_extra, f"{where}{{*}}")

    def report(self, where: str, problem: str) -> None:
        self.problems.append(f"{where or '(root)'}: {problem}")


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


_Branch = tuple[JsonSchema, str | None]


def _resolve(node: JsonSchema, root: JsonSchema) -> _Branch:
    # Follows local refs ("#/$defs/Name"); keywords beside a $ref (description...) are kept.
    ref = None
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
    return node, ref


def _branches(node: JsonSchema, root: JsonSchema) -> list[_Branch]:
    """Flatten anyOf / oneOf / single-item allOf and type lists into single-type schemas."""
    node, ref = _resolve(node, root)
    for keyword in ("anyOf", "oneOf"):
        if keyword in node:
            return [branch for item in node[keyword] for branch in _branches(item, root)]
    if len(node.get("allOf", [])) == 1:
        merged = {key: value for key, value in node.items() if key != "allOf"}
        return _branches({**node["allOf"][0], **merged}, root)
    if isinstance(node.get("type"), list):
        return [({**node, "type": kind}, ref) for kind in node["type"]]
    return [(node, ref)]


def _allowed_values(node: JsonSchema) -> list[Any] | None:
    # A const is a one-value enum, so Literal["a"] -> Literal["a", "b"] is a widening.
    if "const" in node:
        return [node["const"]]
    values: list[Any] | None = node.get("enum")
    return values


def _type_of(node: JsonSchema) -> str:
    if isinstance(node.get("type"), str):
        return str(node["type"])
    values = [node["const"]] if "const" in node else node.get("enum", [])
    kinds = {_JSON_TYPES.get(type(value), "null" if value is None else "other") for value in values}
    if len(kinds) == 1:
        return kinds.pop()
    return "object" if "properties" in node else "any"


def _union(types: Sequence[str]) -> str:
    return "|".join(sorted(set(types), key=lambda kind: (kind == "null", kind)))


def breaking_changes(old_schema: JsonSchema, new_schema: JsonSchema) -> list[str]:
    """List the breaking changes from one message schema to the next (empty: compatible)."""
    comparison = _Comparison(old_schema, new_schema)
    comparison.compare(old_schema, new_schema, "")
    return comparison.problems


def compare_schema_sets(old: Mapping[str, JsonSchema], new: Mapping[str, JsonSchema]) -> list[str]:
    """List the breaking changes between two sets of schemas keyed by path under schemas/."""
    problems: list[str] = []
    for path in sorted(old):
        if path not in new:
            problems.append(f"{path}: event version removed (a published version must stay)")
        else:
            problems.extend(f"{path}: {p}" for p in breaking_changes(old[path], new[path]))
    return problems


def load_schema_dir(directory: Path) -> dict[str, JsonSchema]:
    """Read every *.json under a schemas folder, by path relative to it."""
    return {
        path.relative_to(directory).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.rglob("*.json"))
    }


def load_git_schemas(ref: str, contracts_dir: Path = CONTRACTS_DIR) -> dict[str, JsonSchema]:
    """Read the schemas committed at a git ref (e.g. origin/main), by path under schemas/."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=contracts_dir, capture_output=True, text=True, check=True
        ).stdout

    prefix = f"{SCHEMAS_DIR}/"
    listing = git("ls-tree", "-r", "--name-only", ref, "--", SCHEMAS_DIR).splitlines()
    return {
        path.removeprefix(prefix): json.loads(git("show", f"{ref}:./{path}"))
        for path in sorted(listing)
        if path.endswith(".json")
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Compare the current models with committed schemas; exit 1 on a breaking change."""
    parser = argparse.ArgumentParser(prog="python -m clinic_contracts.compat")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--against", type=Path, help="schemas folder (default: the committed one)")
    source.add_argument("--against-ref", metavar="GIT_REF", help="schemas committed at a git ref")
    args = parser.parse_args(argv)
    if args.against_ref:
        label = f"{SCHEMAS_DIR}/ at {args.against_ref}"
        try:
            old = load_git_schemas(args.against_ref)
        except subprocess.CalledProcessError as error:
            print(f"compat: cannot read {label}: {error.stderr.strip()}", file=sys.stderr)
            return 2
    else:
        directory = args.against or CONTRACTS_DIR / SCHEMAS_DIR
        label = str(directory)
        if not directory.is_dir():
            print(f"compat: {directory} is not a folder", file=sys.stderr)
            return 2
        old = load_schema_dir(directory)
    problems = compare_schema_sets(old, render_schemas())
    if problems:
        print(f"breaking changes against {label}:", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in problems), file=sys.stderr)
        print(
            "a breaking change needs a new event version (see contracts/README.md)", file=sys.stderr
        )
        return 1
    print(f"no breaking changes against {label} ({len(old)} published schemas)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
