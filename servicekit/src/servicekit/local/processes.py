"""Child processes of the local stack: spawned in their own session, never orphaned."""

from __future__ import annotations

import asyncio
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

_PR_SET_PDEATHSIG = 1
_WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "*"})


@dataclass(frozen=True)
class RunAs:
    """An unprivileged system user a child is switched to (PostgreSQL refuses to run as root)."""

    uid: int
    gid: int


def connect_host(host: str) -> str:
    """The address clients use to reach a server listening on `host`."""
    return "127.0.0.1" if host in _WILDCARD_HOSTS else host


def die_with_parent(death_signal: int) -> Callable[[], None]:
    """A preexec_fn asking Linux to signal the child when its parent dies."""
    parent = os.getpid()
    # Resolved here: the child, forked from a possibly threaded parent, only makes syscalls.
    prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
    arguments = (ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(death_signal))
    unused = (ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))

    def preexec() -> None:
        if prctl is None:
            return
        prctl(*arguments, *unused)
        # The parent may have died between fork and prctl: nobody would signal us then.
        if os.getppid() != parent:
            os.kill(os.getpid(), death_signal)

    return preexec


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    run_as: RunAs | None = None,
    death_signal: int = signal.SIGTERM,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start `argv` with stdout and stderr appended to `log_path`, in a new session.

    A new session keeps a terminal's Ctrl-C away from the child, so that the supervisor
    decides the shutdown order; `death_signal` reaches the child if the supervisor dies.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"--- {stamp} clinic-stack starts: {' '.join(argv)}\n".encode())
        log.flush()
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=die_with_parent(death_signal),
            user=run_as.uid if run_as else None,
            group=run_as.gid if run_as else None,
            extra_groups=[] if run_as else None,
        )


def signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    """Send `sig` to the child's whole process group (it leads one, see `spawn`)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        process.send_signal(sig)


async def wait_exit(process: subprocess.Popen[bytes], timeout: float | None = None) -> int | None:
    """Wait for the child to exit; its return code, or None when `timeout` passes first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while (code := process.poll()) is None:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        await asyncio.sleep(0.1)
    return code


async def terminate(
    process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 10.0
) -> int:
    """Stop the child with `sig`, then SIGKILL after `timeout` seconds; its return code."""
    if process.poll() is None:
        signal_group(process, sig)
        code = await wait_exit(process, timeout)
        if code is not None:
            signal_group(process, signal.SIGKILL)  # leftovers of its group, if any
            return code
    signal_group(process, signal.SIGKILL)
    code = await wait_exit(process)
    return -signal.SIGKILL if code is None else code


def describe_exit(returncode: int) -> str:
    """'exit code 3' or 'signal SIGKILL'."""
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def log_tail(path: Path, lines: int = 20) -> str:
    """The last `lines` lines of a log file ('' when it does not exist)."""
    try:
        with path.open("rb") as log:
            tail = deque(log, maxlen=lines)
    except FileNotFoundError:
        return ""
    return b"".join(tail).decode(errors="replace").rstrip("\n")


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (a listening socket holds it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Like the servers themselves: ignore TIME_WAIT leftovers of a previous run.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class ChildProcess:
    """A server or service this stack runs as a child process; subclasses start and stop it."""

    _process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def poll(self) -> int | None:
        """The exit code once the process has exited, None while it runs (or never started)."""
        return self._process.poll() if self._process else None

    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self._process is not None and self._process.poll() is None

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
