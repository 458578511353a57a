"""A step that makes objects by the hundred thousand, run with Python's cyclic garbage
collector paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a step that makes millions of
    objects that never form cycles (triples, terms, rows, blank-node colours): otherwise
    it walks them all again and again as they pile up, which doubles the time of a check
    at a million triples (bench/run.py, P3) and takes a third of the time of labelling
    100,000 blank nodes. What the step made is collected when it ends."""
    if not gc.isenabled():  # paused already, by an outer step or the caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)
