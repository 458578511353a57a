"""A process-wide audit hook that keeps a query worker from reaching outside.

:func:`seal` installs a :func:`sys.addaudithook` hook (it cannot be removed: call it
only in a process of its own, such as the workers of :mod:`aiplus_kg.serve.pool`).
From then on the process may not:

* open a network connection or resolve a host name (``socket.connect``,
  ``socket.getaddrinfo``, ``urllib.Request``, ``http.client.connect``, ...), nor
  send a datagram;
* start a program (``subprocess.Popen``, ``os.system``, ``os.exec*``,
  ``os.posix_spawn``, ``os.fork``) or load a native library (``ctypes.dlopen``);
* open a file for writing, or open any file outside the Python installation and the
  folders of the packages it runs (so that a late import still works, while the
  project's files, the user's and the system's are out of reach).

Each refusal raises :class:`SandboxError` (a :class:`PermissionError`) where the
operation was attempted. This is a second line of defence: the SPARQL checks of
:mod:`aiplus_kg.query.guard` already refuse ``SERVICE``, ``LOAD`` and foreign
``FROM``, and rdflib's graph loading is switched off.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["BLOCKED_EVENTS", "SandboxError", "allowed_roots", "seal"]

BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "imaplib.open",
        "poplib.connect",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "ctypes.dlopen",
    }
)
"""Audit events refused outright."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class SandboxError(PermissionError):
    """An operation the sandbox forbids."""


def allowed_roots(packages: Iterable[str] = ("aiplus_kg", "rdflib")) -> tuple[str, ...]:
    """Folders a sealed process may read from: the Python installation, the site
    folders and the folders of ``packages``."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    roots.add(site.getusersitepackages())
    for name in packages:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if isinstance(file, str):
            roots.add(str(Path(file).parent))
    # each with a trailing separator, so that /usr/lib does not admit /usr/library
    return tuple(sorted(os.path.realpath(r).rstrip(os.sep) + os.sep for r in roots if r))


def _writes(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def seal(packages: Iterable[str] = ("aiplus_kg", "rdflib")) -> None:
    """Install the hook in this process, for good (see the module docstring)."""
    roots = allowed_roots(packages)

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event in BLOCKED_EVENTS:
            raise SandboxError(f"{event} is not allowed while answering queries")
        if event != "open" or not args:
            return
        path = args[0]
        if isinstance(path, int) or path is None:
            return  # an already open descriptor
        if not isinstance(path, str | bytes | os.PathLike):
            raise SandboxError("opening this file is not allowed")
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else None
        if _writes(mode, flags):
            raise SandboxError(f"writing {path!s} is not allowed while answering queries")
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            raise SandboxError("opening this file is not allowed") from None
        if not real.startswith(roots):
            raise SandboxError(f"reading {real} is not allowed while answering queries")

    sys.addaudithook(hook)
