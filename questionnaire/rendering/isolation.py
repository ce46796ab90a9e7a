"""A render in a child process with hard limits, so that no document can hold a worker for long or take its memory.

`run_limited(function, argument, beat=...)` forks; the child sets hard limits on its own processor time
(RLIMIT_CPU: RENDER_CPU_SECONDS) and on the memory it may add (RLIMIT_AS: RENDER_MEMORY_MB above what it inherited),
calls `function(argument)` and hands the result back through a temporary file. The parent waits for the child,
calls `beat()` every RENDER_HEARTBEAT_SECONDS meanwhile (the render queue's heartbeat, which keeps the lease) and
stops a child that is still alive after three times its processor time in wall-clock time (waiting on something,
not computing). A child over a limit is killed by the kernel; the parent raises RenderStopped with a message for
the member. No database connection is used in the child: it only renders the HTML the parent built.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ..models.reports import STOPPED


class RenderStopped(Exception):
    """The render went over a limit and was stopped; the message says which, in words for the member."""


class RenderFailed(Exception):
    """The render raised an error in its child process: the message is that error's type and text."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_mb: int
    heartbeat_seconds: float

    @property
    def wall_seconds(self) -> float:
        return self.cpu_seconds * 3 + 5


def limits() -> Limits:
    return Limits(cpu_seconds=settings.RENDER_CPU_SECONDS, memory_mb=settings.RENDER_MEMORY_MB,
                  heartbeat_seconds=settings.RENDER_HEARTBEAT_SECONDS)


def _address_space() -> int:
    """The bytes of address space this process has mapped (VmSize): a child inherits its parent's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(function: Callable[[Any], Any], argument: Any, out, limit: Limits) -> None:
    """In the forked child: set the limits, render, write ("ok", result) or ("memory"/"error", text); never
    returns."""
    code = 1
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (limit.cpu_seconds, limit.cpu_seconds + 1))  # SIGXCPU, then SIGKILL
        memory = _address_space() + limit.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        result = function(argument)
        pickle.dump(("ok", result), out, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    except MemoryError:
        pickle.dump(("memory", ""), out)
    except BaseException as exc:
        pickle.dump(("error", f"{type(exc).__name__}: {exc}"[:2000]), out)
    finally:
        try:
            out.flush()
        finally:
            os._exit(code)  # no atexit, no database connection closed: those are the parent's


def _cpu_message(limit: Limits) -> str:
    return (f"{STOPPED} rendering this document took more than {limit.cpu_seconds} seconds of processor time, the "
            "limit for one document. Shorten its longest lists or tables (attach the full data as a file and "
            "summarise it), then try again.")


def _memory_message(limit: Limits) -> str:
    return (f"{STOPPED} rendering this document needed more than {limit.memory_mb} MB of memory, the limit for "
            "one document. Shorten its longest lists or tables (attach the full data as a file and summarise "
            "it), then try again.")


def run_limited(function: Callable[[Any], Any], argument: Any, *, beat: Callable[[], None] = lambda: None,
                limit: Limits | None = None) -> Any:
    """`function(argument)` in a child process within `limit` (default: the settings); its result (picklable).
    RenderStopped when it went over a limit; RenderFailed with the child's error when it failed otherwise."""
    limit = limit or limits()
    with tempfile.TemporaryFile() as out:
        gc.freeze()  # the child's collector leaves the inherited objects alone: fewer pages copied on write
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:
                gc.unfreeze()
        if pid == 0:  # pragma: no cover (the child; its outcome is checked through the parent)
            _child(function, argument, out, limit)
        status = _wait(pid, beat, limit)
        out.seek(0)
        try:
            outcome, value = pickle.load(out)  # noqa: S301 (written by our own child)
        except (EOFError, pickle.UnpicklingError):
            outcome, value = "killed", ""
    if status is not None and os.WIFSIGNALED(status):
        if os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            raise RenderStopped(_cpu_message(limit))
        raise RenderStopped(_memory_message(limit))  # SIGSEGV, SIGABRT: a C library out of memory
    if outcome == "ok":
        return value
    if outcome == "memory":
        raise RenderStopped(_memory_message(limit))
    raise RenderFailed(value or f"the render's process ended without a result (status {status})")


def _wait(pid: int, beat: Callable[[], None], limit: Limits) -> int | None:
    """Wait for the child, beating meanwhile; kill it past its wall-clock time. Its wait status; None if killed
    here (a RenderStopped is raised)."""
    started = time.monotonic()
    next_beat = started + limit.heartbeat_seconds
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            now = time.monotonic()
            if now - started > limit.wall_seconds:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise RenderStopped(_cpu_message(limit))
            ready, _, _ = select.select([pidfd], [], [], max(0.0, min(next_beat, started + limit.wall_seconds) - now))
            if ready:
                return os.waitpid(pid, 0)[1]
            if time.monotonic() >= next_beat:
                try:
                    beat()
                except Exception:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    raise
                next_beat += limit.heartbeat_seconds
    finally:
        os.close(pidfd)
