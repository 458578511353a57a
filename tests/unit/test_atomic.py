from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiplus_kg.atomic import atomic_write


def test_writes_bytes_and_chunks(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    atomic_write(target, b"one\n")
    assert target.read_bytes() == b"one\n"
    atomic_write(target, iter([b"two", b"\n"]))
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_new_file_gets_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_failure_midway_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def chunks() -> Iterator[bytes]:
        yield b"partial"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, chunks())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failing_replace_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: Path, target: Path) -> None:
        raise OSError("no")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(OSError, match="no"):
        atomic_write(tmp_path / "out.txt", b"data")
    assert list(tmp_path.iterdir()) == []
