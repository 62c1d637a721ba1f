"""The Dockerfile, .dockerignore and entry script, checked by reading them (no Docker engine here).

Multi-stage; the final stage is python:3.11-slim with no build tools, runs as a fixed non-root
uid, and its entry script dispatches every process and job the compose file runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .catalog import JOBS, PROCESSES

ROOT = Path(__file__).resolve().parents[2]
BUILD_TOOLS = re.compile(
    r"\b(build-essential|gcc|g\+\+|clang|make|cmake|libc6-dev|python3-dev|rustc|cargo)\b"
)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arguments for kw, arguments in self.instructions if kw == keyword]


def parse(text: str) -> list[Stage]:
    """Stages of a Dockerfile: (INSTRUCTION, arguments) with continuations joined."""
    logical, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = arguments.split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
        elif stages:
            stages[-1].instructions.append((keyword, arguments.strip()))
    return stages


def stages() -> list[Stage]:
    return parse((ROOT / "Dockerfile").read_text())


def test_multi_stage_with_a_slim_final_stage() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2
    assert all_stages[-1].base == "python:3.11-slim"
    assert all(stage.base.startswith("python:3.11") for stage in all_stages)


def test_build_stage_installs_the_locked_dependencies_with_pinned_uv() -> None:
    build = stages()[0]
    runs = " ".join(build.all("RUN"))
    assert "uv==0.13.9" in runs
    syncs = [r for r in build.all("RUN") if "uv sync" in r]
    assert syncs
    for sync in syncs:
        assert "--frozen" in sync
        assert "--no-dev" in sync
    assert "--no-editable" in syncs[-1]


def test_final_stage_has_no_build_tools_and_only_the_venv() -> None:
    final = stages()[-1]
    for run in final.all("RUN"):
        assert not BUILD_TOOLS.search(run), run
        assert "pip install" not in run, run
        assert "uv " not in run, run
    copies = final.all("COPY")
    from_build = [c for c in copies if c.startswith("--from=")]
    assert from_build == ["--from=build /opt/venv /opt/venv"]
    sources = [word for c in copies if "--from=" not in c for word in c.split()[:-1]]
    sources = [s for s in sources if not s.startswith("--")]
    assert sources
    assert all(s.startswith("deploy/docker/") for s in sources), sources
    for source in sources:
        assert (ROOT / source).is_file(), source


def test_build_stage_copies_only_what_exists() -> None:
    for copy in stages()[0].all("COPY"):
        for source in copy.split()[:-1]:
            assert (ROOT / source).exists(), source


def test_runs_as_a_fixed_non_root_uid() -> None:
    users = stages()[-1].all("USER")
    assert users, "the final stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit(), "a numeric uid lets Kubernetes' runAsNonRoot verify it"
    assert int(uid) >= 1000


def test_entrypoint_dispatches_every_process_and_job() -> None:
    final = stages()[-1]
    assert final.all("ENTRYPOINT") == ['["/app/entrypoint.sh"]']
    script = (ROOT / "deploy/docker/entrypoint.sh").read_text()
    assert script.startswith("#!/bin/sh\n")
    assert (ROOT / "deploy/docker/entrypoint.sh").stat().st_mode & 0o111
    for name in (*PROCESSES, *JOBS, "healthcheck"):
        assert re.search(rf"(^|[ |]){name}( |\)|$)", script, re.MULTILINE), name
    assert 'exec python -m "$command" "$@"' in script


def test_healthchecks_exist() -> None:
    final = stages()[-1]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    probed = [s for s in compose["services"].values() if "test" in s.get("healthcheck", {})]
    assert final.all("HEALTHCHECK") or probed


def test_dockerignore_keeps_secrets_and_state_out_of_the_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".env", ".state", ".venv"):
        assert entry in ignored, entry


def test_parser_sees_a_build_tool_in_the_final_stage() -> None:
    text = (ROOT / "Dockerfile").read_text()
    text += "RUN apt-get update && apt-get install -y \\\n    build-essential\n"
    final = parse(text)[-1]
    assert any(BUILD_TOOLS.search(run) for run in final.all("RUN"))
