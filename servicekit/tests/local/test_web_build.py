"""clinic-web build / test: npm ci when needed, a build only when stale, one build at a time,
npm's output shown when it fails (on a tiny real npm project, see fake_web.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from servicekit.local.web import WEB_DIR_ENV, WebApp, WebBuildError, build_in_child
from servicekit.local.web_cli import main

from .fake_web import builds, make_fake_web


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WebApp:
    root = make_fake_web(tmp_path / "web")
    monkeypatch.setenv(WEB_DIR_ENV, str(root))
    return WebApp(root)


def _age(path: Path, seconds: float) -> None:
    """Make `path` look modified `seconds` ago (no sleeping to get distinct times)."""
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def test_build_if_stale_installs_and_builds_once(
    web: WebApp, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--if-stale"]) == 0
    first = capsys.readouterr().out
    assert main(["build", "--if-stale"]) == 0
    second = capsys.readouterr().out

    assert "installing the web app's packages (npm ci): web/node_modules is missing" in first
    assert "building the web app: web/dist is missing" in first
    assert "the web app is up to date (web/dist/index.html)" in second
    assert builds(web.root) == 1
    assert web.index.is_file()
    assert web.build_reason() is None
    assert web.install_reason() is None


def test_a_changed_or_deleted_source_or_config_makes_it_stale(web: WebApp) -> None:
    (web.root / "src" / "old.ts").write_text("export {};\n")
    (web.root / "vite.config.ts").write_text("export default {};\n")
    assert main(["build", "--if-stale"]) == 0
    for path in web.root.rglob("*"):
        _age(path, 60)
    _age(web.index, 30)  # built after every source
    assert web.build_reason() is None

    os.utime(web.root / "src" / "main.ts")
    assert web.build_reason() == "web/dist/index.html is older than web/src/main.ts"
    _age(web.root / "src" / "main.ts", 60)
    os.utime(web.root / "vite.config.ts")
    assert web.build_reason() == "web/dist/index.html is older than web/vite.config.ts"
    _age(web.root / "vite.config.ts", 60)
    (web.root / "src" / "old.ts").unlink()  # only the folder's time tells
    assert web.build_reason() == "web/dist/index.html is older than web/src"


def test_a_newer_lockfile_runs_npm_ci_again(
    web: WebApp, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--if-stale"]) == 0
    os.utime(web.lockfile)
    assert web.install_reason() == "web/node_modules is older than web/package-lock.json"
    capsys.readouterr()

    assert main(["build", "--if-stale"]) == 0  # the lockfile is a build input too

    output = capsys.readouterr().out
    assert "(npm ci): web/node_modules is older than web/package-lock.json" in output
    assert "web/dist/index.html is older than web/package-lock.json" in output
    assert web.install_reason() is None
    assert builds(web.root) == 2


def test_two_builds_at_once_build_once(web: WebApp) -> None:
    env = {**os.environ, WEB_DIR_ENV: str(web.root), "FAKE_BUILD_SECONDS": "2"}
    command = [sys.executable, "-m", "servicekit.local.web_cli", "build", "--if-stale"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert builds(web.root) == 1, outputs
    together = "\n".join(outputs)
    assert together.count("building the web app: web/dist is missing") == 1
    assert "waiting for another build of the web app (web/.build.lock)" in together
    assert "the web app is up to date" in together


def test_a_failed_build_exits_non_zero_with_npm_output(
    web: WebApp, capsys: pytest.CaptureFixture[str]
) -> None:
    (web.root / "src" / "fail").touch()

    assert main(["build"]) == 1

    error = capsys.readouterr().err
    assert "`npm run build` in" in error
    assert "failed with exit code 2" in error
    assert "| boom: the build fails on purpose" in error


def test_clinic_web_test_runs_the_test_script(
    web: WebApp, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["test"]) == 0
    assert "fake tests: 3 passed" in capfd.readouterr().out


def test_a_missing_web_app_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(WEB_DIR_ENV, str(tmp_path / "nowhere"))

    assert main(["build", "--if-stale"]) == 1

    assert "no web app at" in capsys.readouterr().err


async def test_the_stack_builds_in_a_child_and_tells_why_it_failed(
    web: WebApp, tmp_path: Path
) -> None:
    log = tmp_path / "logs" / "web-build.log"
    said: list[str] = []

    assert await build_in_child(web, log, said.append) is True
    assert await build_in_child(web, log, said.append) is False  # fresh: no child at all
    assert said == ["building the web app: web/dist is missing"]

    (web.root / "src" / "fail").touch()
    with pytest.raises(WebBuildError) as failed:
        await build_in_child(web, log, said.append)

    message = str(failed.value)
    assert message.startswith("building the web app failed with exit code 1")
    assert "| boom: the build fails on purpose" in message
    assert "web/dist/index.html is older than web/src/fail" in said[-1]
