"""Limits on a query run on this machine: a deadline, a row cap and a memory cap, the
guard ``aiplus serve`` puts on its workers, for ``aiplus sparql``.

An engine cannot be stopped in the middle of a query (one ``COUNT`` over a cross join
or one regular expression runs inside native code), so :func:`run_limited` runs the
query in a child process made with ``fork``: the loaded graph is shared with it
copy-on-write, so it costs no reload. The child caps its address space at what it
uses plus the memory allowed, runs the query, and sends its results (or its error)
back through a pipe; the parent waits at most the deadline, then kills it. Where
``fork`` does not exist (Windows), the query runs in the process with the row cap
only.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiplus_kg.defaults import DEFAULT_LOCAL_DEADLINE, DEFAULT_LOCAL_MAX_ROWS, DEFAULT_MEMORY_MB
from aiplus_kg.errors import AiplusError, InputError
from aiplus_kg.query.results import Results

__all__ = ["QueryLimits", "address_space", "limit_memory", "run_limited"]


@dataclass(frozen=True)
class QueryLimits:
    """``None`` lifts a limit."""

    deadline: float | None = DEFAULT_LOCAL_DEADLINE
    max_rows: int | None = DEFAULT_LOCAL_MAX_ROWS
    memory_mb: int | None = DEFAULT_MEMORY_MB

    @property
    def isolated(self) -> bool:
        """Whether the query needs a process of its own (a deadline or a memory cap)."""
        return self.deadline is not None or self.memory_mb is not None


def address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), else ``None``."""
    try:
        pages = int(Path("/proc/self/statm").read_bytes().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_memory(headroom_mb: int | None) -> None:
    """Cap this process's address space at what it uses now plus ``headroom_mb``, so
    that the cap scales with the data loaded (Linux; elsewhere, nothing)."""
    if not headroom_mb:
        return
    try:
        import resource
    except ImportError:  # not on this system
        return
    used = address_space()
    if used is None:
        return
    limit = used + headroom_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _checked_rows(results: Results, limits: QueryLimits, display: str) -> Results:
    if limits.max_rows is not None and len(results.rows) > limits.max_rows:
        raise InputError(
            f"{display}: the query has more than {limits.max_rows} rows: add a LIMIT, "
            "or raise --max-rows (0 lifts it)"
        )
    return results


def run_limited(work: Callable[[], Results], limits: QueryLimits, display: str) -> Results:
    """The results of ``work()`` within ``limits``, else an :class:`InputError` naming
    the limit passed and the option that lifts it."""
    if not limits.isolated or not hasattr(os, "fork"):
        return _checked_rows(work(), limits, display)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child; its outcome is tested)
        os.close(reading)
        _child(work, limits, display, writing)
    os.close(writing)
    try:
        data = _read_within(reading, limits.deadline, child, display)
    finally:
        os.close(reading)
    _, status = os.waitpid(child, 0)
    if not data:
        raise InputError(f"{display}: the query stopped without an answer ({_ended(status)})")
    kind, value = pickle.loads(data)
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _child(work: Callable[[], Results], limits: QueryLimits, display: str, out: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # what a native library prints as it fails (a panic's backtrace) is not for
        # the user: the parent says in one line how the query ended
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
        faulthandler.disable()  # nor a dump of this child's stack when it aborts
        limit_memory(limits.memory_mb)
        try:
            outcome: tuple[str, object] = ("ok", _checked_rows(work(), limits, display))
        except AiplusError as exc:
            outcome = ("error", exc)
        except MemoryError:
            outcome = (
                "error",
                InputError(
                    f"{display}: the query needed more than {limits.memory_mb} MB "
                    "(see --memory; 0 lifts it)"
                ),
            )
        except RecursionError:
            outcome = ("error", InputError(f"{display}: the query is nested too deeply"))
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_within(fd: int, deadline: float | None, child: int, display: str) -> bytes:
    ends = None if deadline is None else time.monotonic() + deadline
    chunks: list[bytes] = []
    while True:
        wait = None if ends is None else max(ends - time.monotonic(), 0)
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(child, 0)
            raise InputError(
                f"{display}: the query was stopped at the {deadline:g} s deadline "
                "(see --deadline; 0 lifts it)"
            )
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        # a native library that cannot allocate aborts; the kernel's OOM killer kills
        hungry = number in (signal.SIGABRT, signal.SIGKILL)
        return f"killed by {name}" + ("; out of memory? see --memory" if hungry else "")
    return f"exit status {os.WEXITSTATUS(status)}"
