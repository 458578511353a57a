"""Which engines do the work: the fast path or the reference path.

* ``fast`` (the default): ``reasonable`` (an OWL 2 RL reasoner written in Rust) computes
  the closure, and ``pyoxigraph`` (a SPARQL engine written in Rust) stores the dataset,
  runs the saved queries and finds the focus nodes of the shapes' SPARQL targets.
  pySHACL still gives every validation verdict.
* ``reference``: rdflib for storage and SPARQL, owlrl for the closure, pySHACL for the
  shapes: slow, and the definition of the right answer.

Both give the same answers (the tests compare them). When a fast engine cannot be
imported on a platform, :func:`current` falls back to the reference path and writes a
one-line notice on standard error, once per process.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

from aiplus_kg.errors import InputError

__all__ = [
    "ENGINES",
    "FAST",
    "FAST_MODULES",
    "REFERENCE",
    "current",
    "fast_unavailable",
    "requested",
    "resolve_engine",
    "set_engine",
    "use_fast",
]

FAST = "fast"
REFERENCE = "reference"
ENGINES = (FAST, REFERENCE)
FAST_MODULES = ("pyoxigraph", "reasonable")
"""The packages the fast path needs; both are ordinary runtime dependencies."""

_state: dict[str, object] = {"engine": FAST, "noticed": False}
_missing: dict[str, str | None] = {}


def _stderr_notice(message: str) -> None:
    print(f"aiplus: notice: {message}", file=sys.stderr)


notice: Callable[[str], None] = _stderr_notice
"""Where the fallback notice goes (standard error; replaceable in tests)."""


def fast_unavailable() -> str | None:
    """Why the fast path cannot run here (the first package that fails to import), or
    ``None`` when it can."""
    if "reason" not in _missing:
        _missing["reason"] = None
        for name in FAST_MODULES:
            try:
                importlib.import_module(name)
            except ImportError as exc:  # missing wheel, or a binary that does not load
                _missing["reason"] = f"{name} cannot be imported ({exc})"
                break
    return _missing["reason"]


def set_engine(name: str) -> None:
    """Select the engine for what follows in this process: ``fast`` or ``reference``."""
    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r} (engines: {', '.join(ENGINES)})")
    _state["engine"] = name


def requested() -> str:
    """The engine asked for (by :func:`set_engine`; ``fast`` by default)."""
    return str(_state["engine"])


def resolve_engine(name: str | None = None) -> str:
    """The engine that will actually run for a request of ``name`` (default: the
    selected one): ``fast`` falls back to ``reference``, with a one-line notice, when a
    fast package is missing."""
    wanted = requested() if name is None else name
    if wanted not in ENGINES:
        raise InputError(f"unknown engine {wanted!r} (engines: {', '.join(ENGINES)})")
    if wanted == REFERENCE:
        return REFERENCE
    reason = fast_unavailable()
    if reason is None:
        return FAST
    if not _state["noticed"]:
        _state["noticed"] = True
        notice(f"fast engine unavailable: {reason}; using the reference engine (rdflib + owlrl)")
    return REFERENCE


def current() -> str:
    """The engine that runs now (see :func:`resolve_engine`)."""
    return resolve_engine(None)


def use_fast(name: str | None = None) -> bool:
    """Whether the fast path runs for a request of ``name`` (default: the selected engine)."""
    return resolve_engine(name) == FAST
