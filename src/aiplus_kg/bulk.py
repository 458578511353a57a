"""Pause Python's cyclic garbage collector while a bulk step builds millions of objects.

Loading, reasoning and validating create millions of tuples and terms that never form
reference cycles (reference counting frees them). The cyclic collector does not know
that: each time enough objects pile up it walks them all again, which costs about a
third of the time of a large validation. :func:`bulk_work` switches it off for the
step and collects the youngest generation at the end (every object made during the
step is still there, the older ones are not walked), so cyclic garbage made during the
step is still freed. Nested steps leave the switch to the outermost one.

:func:`give_back_memory` hands the memory the C heap keeps after a large native step
(the reasoner's) back to the system: Python's own objects do not come from that heap,
so without it the process keeps both.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

__all__ = ["bulk_step", "bulk_work", "give_back_memory"]

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run the body with the cyclic collector off, then collect what it made (if the
    collector was on)."""
    if not gc.isenabled():  # off already: an outer step (or the caller) owns it
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)  # the objects made during the step: all still in the youngest generation


def bulk_step(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``function`` to run under :func:`bulk_work`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with bulk_work():
            return function(*args, **kwargs)

    return wrapper


def give_back_memory() -> None:
    """Return the free memory of the C heap to the system (glibc's ``malloc_trim``);
    nothing on a system without it."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's
    except (OSError, AttributeError, TypeError):  # not glibc, or no such handle
        return
    trim(0)
