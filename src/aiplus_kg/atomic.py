"""Atomic file writes: a temporary file in the target's folder, then ``os.replace``.

A reader sees either the old file or the complete new one. A write that fails half way
leaves the target as it was and no temporary file: an exception or Ctrl-C removes it, and
so does ``SIGTERM`` (or ``SIGHUP``), which during a write exits with ``128 + signal``
(143 for ``SIGTERM``) once the file is removed, instead of killing the process outright.

Nothing can clean up after ``SIGKILL`` or a power cut, so the temporary files are named
after their writer, ``.NAME.aiplus-PID-XXXXXXXX.tmp`` next to ``NAME``: the next write into
the same folder removes those whose process is gone (:func:`remove_debris`).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from aiplus_kg.errors import InputError

__all__ = [
    "DEBRIS_PATTERN",
    "atomic_write",
    "process_alive",
    "remove_debris",
    "temp_prefix",
    "terminate_raises_exit",
]

DEBRIS_PATTERN = re.compile(r"\..+\.aiplus-([0-9]+)-[^./]*\.tmp")
"""The name of a temporary file of a write; its group is the writer's process id."""


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def temp_prefix(target: Path) -> str:
    """The start of the name of a temporary file for ``target`` (``tempfile.mkstemp``
    adds a random part and ``.tmp``): it names this process."""
    return f".{target.name}.aiplus-{os.getpid()}-"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (this one; another user's: yes)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process, or no pid at all: leave the file alone
    return True


def remove_debris(folder: Path) -> int:
    """Remove the temporary files in ``folder`` (not below it) of writes whose process
    no longer runs, as ``SIGKILL`` leaves them; returns how many. Never fails.

    A process id can be reused: a file whose writer died is then kept until the new
    process with that id ends too."""
    removed = 0
    try:
        with os.scandir(folder) as entries:
            names = [
                (entry.name, int(found.group(1)))
                for entry in entries
                if entry.name.endswith(".tmp")
                and (found := DEBRIS_PATTERN.fullmatch(entry.name)) is not None
                and entry.is_file(follow_symlinks=False)
            ]
    except OSError:
        return 0
    for name, pid in names:
        if not process_alive(pid):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
                removed += 1
    return removed


def _raise_exit(signum: int, frame: Any) -> None:
    import signal

    signal.signal(signum, signal.SIG_IGN)  # a second one must not cut the clean-up short
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def terminate_raises_exit() -> Iterator[None]:
    """While the block runs, ``SIGTERM`` and ``SIGHUP`` raise ``SystemExit(128 +
    signal)``, so that ``finally`` clauses and ``except BaseException`` clean up before
    the process exits. Only the signals whose handler is the default one (which kills
    the process on the spot) are changed, and only in the main thread; each handler is
    restored afterwards."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    changed: list[tuple[int, Any]] = []
    try:
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None and signal.getsignal(number) is signal.SIG_DFL:
                signal.signal(number, _raise_exit)
                changed.append((number, signal.SIG_DFL))
        yield
    finally:
        for number, previous in changed:
            signal.signal(number, previous)


def atomic_write(path: Path | str, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or an iterable of byte chunks) to ``path`` atomically.

    An existing file keeps its permission bits; a new one gets the usual ``0o666``
    less the umask. A folder that does not exist is an :class:`InputError`. The
    temporary files that killed writers left in the folder are removed first.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise InputError(f"{folder}: no such directory")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    chunks = [data] if isinstance(data, bytes | bytearray) else data
    remove_debris(folder)
    with terminate_raises_exit():
        try:
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=temp_prefix(target), suffix=".tmp")
        except OSError as exc:
            raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.chmod(mode)
            tmp.replace(target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
