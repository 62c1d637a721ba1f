"""The web app's own tests (Vitest component tests in jsdom) and its generated API types,
through `clinic-web` as a developer runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from servicekit.local.web import WEB_DIR_ENV, WebApp, build_lock, install_if_needed
from servicekit.local.web_cli import main

REPOSITORY = Path(__file__).resolve().parents[2]
WEB = REPOSITORY / "web"
SCHEMA = Path("src/api/schema.d.ts")


def test_the_component_tests_pass() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "servicekit.local.web_cli", "test"],
        cwd=REPOSITORY,
        env={**os.environ, "NO_COLOR": "1"},  # plain text in the failure message
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, f"clinic-web test failed:\n{run.stdout[-8000:]}\n{run.stderr}"


def test_check_api_catches_types_out_of_step_with_the_services(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a copy of web/ (its top-level files, the types, the installed packages), so that the
    real gen:api script and openapi-typescript run without touching the working tree."""
    with build_lock(WebApp(WEB), print):
        install_if_needed(WebApp(WEB), print)
    copy = tmp_path / "web"
    (copy / SCHEMA.parent).mkdir(parents=True)
    for entry in WEB.iterdir():
        if entry.is_file():
            shutil.copy2(entry, copy / entry.name)
    (copy / "node_modules").symlink_to(WEB / "node_modules")
    monkeypatch.setenv(WEB_DIR_ENV, str(copy))
    assert main(["gen-api"]) == 0
    assert main(["check-api"]) == 0
    types = (copy / SCHEMA).read_text()
    path_line = next(line for line in types.splitlines() if '"/v1/appointments": {' in line)
    (copy / SCHEMA).write_text(types.replace(path_line, path_line.replace("appointments", "x")))
    capsys.readouterr()

    assert main(["check-api"]) == 1

    error = capsys.readouterr().err
    assert "web/src/api/schema.d.ts is out of date with the services' API; 2 lines differ" in error
    assert f"+{path_line}" in error
    assert "run `uv run --frozen clinic-web gen-api` and commit web/src/api/schema.d.ts" in error
