import shutil
import subprocess
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from clinic_contracts import compat, generate
from clinic_contracts.compat import (
    breaking_changes,
    compare_schema_sets,
    load_git_schemas,
    load_schema_dir,
)
from clinic_contracts.envelope import Event
from clinic_contracts.identity import IDENTITY_TOPIC, ClinicCreated
from clinic_contracts.json_schemas import event_schema, render_schemas
from clinic_contracts.registry import TOPICS, TopicSpec
from pydantic import Field, create_model


class _IdentityEvent(Event):
    event_type = "ClinicCreated"
    topic = IDENTITY_TOPIC
    aggregate_field = "clinic_id"


def variant(*, drop: tuple[str, ...] = (), version: int = 1, **fields: Any) -> type[Event]:
    """ClinicCreated with fields dropped, replaced or added (as (annotation, Field) pairs)."""
    kept = {
        name: (info.annotation, info)
        for name, info in ClinicCreated.model_fields.items()
        if name not in drop
    }
    base = type("Base", (_IdentityEvent,), {"schema_version": version})
    return create_model("ClinicCreated", __base__=base, **{**kept, **fields})


def field(annotation: Any, example: Any, **kwargs: Any) -> tuple[Any, Any]:
    return (annotation, Field(description="A test field.", examples=[example], **kwargs))


def changes_to(model: type[Event]) -> list[str]:
    return breaking_changes(event_schema(ClinicCreated), event_schema(model))


def with_identity_events(*events: type[Event]) -> list[TopicSpec]:
    """The registry with identity's ClinicCreated replaced by `events`."""
    identity_spec = next(spec for spec in TOPICS if spec.name == IDENTITY_TOPIC)
    others = tuple(e for e in identity_spec.events if e is not ClinicCreated)
    identity = TopicSpec(
        name=IDENTITY_TOPIC, owner="identity", description="x", events=(*others, *events)
    )
    return [identity if spec.name == IDENTITY_TOPIC else spec for spec in TOPICS]


def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *events: type[Event]) -> int:
    """Run the compat CLI against freshly generated schemas, with ClinicCreated replaced."""
    assert generate.main(["--out", str(tmp_path)]) == 0
    topics = with_identity_events(*events)
    monkeypatch.setattr(compat, "render_schemas", lambda: render_schemas(topics))
    return compat.main(["--against", str(tmp_path / "schemas")])


def test_unchanged_models_have_no_breaking_changes() -> None:
    assert changes_to(ClinicCreated) == []
    assert compare_schema_sets(render_schemas(), render_schemas()) == []


def test_removed_field_is_breaking(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    without_name = variant(drop=("name",))

    assert changes_to(without_name) == ["payload.name: field removed"]
    assert run_cli(monkeypatch, tmp_path, without_name) == 1
    err = capsys.readouterr().err
    assert "clinic.identity.v1/ClinicCreated.v1.json: payload.name: field removed" in err


def test_retyped_field_is_breaking(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    numeric_zone = variant(time_zone=field(int, 3))

    assert changes_to(numeric_zone) == ["payload.time_zone: retyped: string -> integer"]
    assert run_cli(monkeypatch, tmp_path, numeric_zone) == 1


def test_format_change_and_nullability_changes_are_breaking() -> None:
    assert changes_to(variant(clinic_id=field(str, "c-1"))) == [
        "payload.clinic_id: format changed: uuid -> None"
    ]
    assert changes_to(variant(name=field(str | None, "Clinic", default=None))) == [
        "payload.name: retyped: string -> string|null"
    ]


def test_new_required_field_is_breaking(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with_fax = variant(fax=field(str, "+254700000000"))

    assert changes_to(with_fax) == ["payload.fax: new required field"]
    assert run_cli(monkeypatch, tmp_path, with_fax) == 1


def test_new_optional_field_is_fine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with_fax = variant(fax=field(str | None, "+254700000000", default=None))

    assert changes_to(with_fax) == []
    assert run_cli(monkeypatch, tmp_path, with_fax) == 0


def test_removed_event_version_is_breaking(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(monkeypatch, tmp_path) == 1
    err = capsys.readouterr().err
    assert "clinic.identity.v1/ClinicCreated.v1.json: event version removed" in err


def test_new_event_version_beside_the_old_is_fine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    version_2 = variant(drop=("name",), version=2, display_name=field(str, "Clinic"))

    assert run_cli(monkeypatch, tmp_path, ClinicCreated, version_2) == 0


def test_cli_passes_on_the_committed_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert compat.main([]) == 0
    assert "no breaking changes" in capsys.readouterr().out


def test_cli_refuses_a_missing_folder(tmp_path: Path) -> None:
    assert compat.main(["--against", str(tmp_path / "nowhere")]) == 2


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> Any:
    return {"type": "object", "properties": properties, "required": list(required), **extra}


STRING = {"type": "string"}
NULLABLE = {"anyOf": [{"type": "string"}, {"type": "null"}]}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (obj({"a": NULLABLE}), obj({"a": STRING}), ["a: retyped: string|null -> string"]),
        (obj({"a": STRING}), obj({"a": STRING}, ("a",)), ["a: optional field became required"]),
        (obj({"a": STRING}, ("a",)), obj({"a": STRING}), []),
        (
            obj({"a": {"enum": ["x", "y"], "type": "string"}}),
            obj({"a": {"enum": ["x"], "type": "string"}}),
            ["a: allowed values removed: ['y']"],
        ),
        (
            obj({"a": {"enum": ["x"], "type": "string"}}),
            obj({"a": {"enum": ["x", "y"], "type": "string"}}),
            [],
        ),
        (obj({"a": STRING}), obj({"a": {"enum": ["x"]}}), ["a: now restricted to ['x']"]),
        (obj({"a": {"const": 1}}), obj({"a": {"const": 2}}), ["a: allowed values removed: [1]"]),
        (obj({"a": {"const": "x"}}), obj({"a": {"enum": ["x", "y"]}}), []),
        (
            obj({"a": {"type": "string", "maxLength": 200}}),
            obj({"a": {"type": "string", "maxLength": 100}}),
            ["a: maxLength lowered: 200 -> 100"],
        ),
        (
            obj({"a": {"type": "string", "maxLength": 100}}),
            obj({"a": {"type": "string", "maxLength": 200}, "b": STRING}),
            [],
        ),
        (
            obj({"a": {"type": "array", "items": STRING}}),
            obj({"a": {"type": "array", "items": {"type": "integer"}}}),
            ["a[]: retyped: string -> integer"],
        ),
        (
            obj({"a": {"type": "object", "additionalProperties": STRING}}),
            obj({"a": {"type": "object", "additionalProperties": NULLABLE}}),
            ["a{*}: retyped: string -> string|null"],
        ),
        (
            obj({"a": STRING}, description="old words", title="Old"),
            obj({"a": {**STRING, "description": "new", "examples": ["z"]}}, title="New"),
            [],
        ),
    ],
)
def test_breaking_changes_rules(old: Any, new: Any, expected: list[str]) -> None:
    assert breaking_changes(old, new) == expected


def test_nested_models_are_compared_through_their_refs() -> None:
    def with_address(address: Any) -> Any:
        schema = obj({"home": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]}})
        return {**schema, "$defs": {"Address": address}}

    old = with_address(obj({"city": STRING, "zip": STRING}, ("city",)))
    renamed = obj({"city": STRING, "zip": STRING}, ("city",))
    new = obj({"home": {"anyOf": [{"$ref": "#/$defs/Place"}, {"type": "null"}]}})
    new["$defs"] = {"Place": renamed}

    assert breaking_changes(old, new) == []
    assert breaking_changes(old, with_address(obj({"city": STRING}, ("city",)))) == [
        "home.zip: field removed"
    ]


def test_recursive_models_terminate() -> None:
    node = obj({"child": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}, "v": STRING})
    old = {"$ref": "#/$defs/Node", "$defs": {"Node": node}}
    new = {"$ref": "#/$defs/Node", "$defs": {"Node": {**node, "required": ["v"]}}}

    assert breaking_changes(old, new) == ["v: optional field became required"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_schemas_can_be_read_from_a_git_tree(tmp_path: Path) -> None:
    contracts = tmp_path / "contracts"
    assert generate.main(["--out", str(contracts)]) == 0

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    git("init", "--quiet")
    git("add", "contracts")
    tree = git("write-tree")

    committed = load_git_schemas(tree, contracts)

    assert committed == load_schema_dir(contracts / "schemas")
    assert set(committed) == set(render_schemas())
    assert UUID(committed["clinic.identity.v1/ClinicCreated.v1.json"]["examples"][0]["event_id"])
