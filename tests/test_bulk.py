from __future__ import annotations

import gc

import pytest

from aiplus_kg.bulk import bulk_step, bulk_work


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with bulk_work():
        assert not gc.isenabled()
        with bulk_work():  # a nested step leaves the switch to the outer one
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_turns_the_collector_back_on() -> None:
    @bulk_step
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        fails()
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with bulk_work():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cyclic_garbage_made_inside_is_freed_at_the_end() -> None:
    import weakref

    class Node:
        pass

    with bulk_work():
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        watch = weakref.ref(a)
        del a, b
        assert watch() is not None  # a cycle: reference counting cannot free it
    assert watch() is None


def test_give_back_memory_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the C library has no ``malloc_trim`` (or cannot be opened), nothing
    happens; where it has one, it is called."""
    import ctypes

    from aiplus_kg.bulk import give_back_memory

    calls: list[int] = []

    class WithTrim:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: WithTrim())
    give_back_memory()
    assert calls == [0]
    for error in (OSError, AttributeError, TypeError):

        def failing(name: object, error: type[Exception] = error) -> object:
            raise error("no C library here")

        monkeypatch.setattr(ctypes, "CDLL", failing)
        give_back_memory()  # no error
