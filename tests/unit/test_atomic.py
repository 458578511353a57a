from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiplus_kg.atomic import DEBRIS_PATTERN, atomic_write, remove_debris


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


# --- temporary files named after their writer, and what killed writers leave -----------


def _dead_pid() -> int:
    """The id of a process that has ended (and was reaped)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_file_names_the_writer(tmp_path: Path) -> None:
    seen: list[str] = []

    def chunks() -> Iterator[bytes]:
        seen.extend(p.name for p in tmp_path.iterdir())
        yield b"x"

    atomic_write(tmp_path / "out.nq", chunks())
    [name] = seen
    found = DEBRIS_PATTERN.fullmatch(name)
    assert found is not None, name
    assert name.startswith(".out.nq.aiplus-")
    assert int(found.group(1)) == os.getpid()


def test_debris_of_a_dead_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = tmp_path / f".big.nq.aiplus-{_dead_pid()}-abc123.tmp"
    dead.write_bytes(b"half an export")
    mine = tmp_path / f".other.nq.aiplus-{os.getpid()}-def456.tmp"  # a write under way
    mine.write_bytes(b"in progress")
    parent = tmp_path / f".x.aiplus-{os.getppid()}-g.tmp"  # a live process
    parent.write_bytes(b"")
    unrelated = [tmp_path / ".notes.tmp", tmp_path / "data.aiplus-1-x.tmp", tmp_path / "keep.nq"]
    for path in unrelated:
        path.write_bytes(b"keep")
    atomic_write(tmp_path / "small.txt", b"x")
    assert not dead.exists()
    assert mine.exists()
    assert parent.exists()
    assert all(path.exists() for path in unrelated)


def test_remove_debris_never_fails(tmp_path: Path) -> None:
    assert remove_debris(tmp_path / "missing") == 0
    dead = tmp_path / f".a.aiplus-{_dead_pid()}-x.tmp"
    dead.mkdir()  # not a file: left alone
    huge = tmp_path / f".b.aiplus-{10**30}-x.tmp"
    huge.write_bytes(b"")
    assert remove_debris(tmp_path) == 0
    assert dead.exists()
    assert huge.exists()


def test_sigterm_during_a_write_exits_without_debris(tmp_path: Path) -> None:
    """The handler turns the signal into ``SystemExit(143)``; the file is removed and the
    previous (default) handler is back afterwards."""
    import signal

    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def chunks() -> Iterator[bytes]:
        yield b"partial"
        os.kill(os.getpid(), signal.SIGTERM)
        yield b"never"

    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with pytest.raises(SystemExit) as stopped:
        atomic_write(target, chunks())
    assert stopped.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_handler_of_the_program_is_left_alone(tmp_path: Path) -> None:
    import signal

    calls: list[int] = []

    def mine(signum: int, frame: object) -> None:
        calls.append(signum)

    previous = signal.signal(signal.SIGTERM, mine)
    try:

        def chunks() -> Iterator[bytes]:
            assert signal.getsignal(signal.SIGTERM) is mine
            yield b"x"

        atomic_write(tmp_path / "out.txt", chunks())
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (tmp_path / "out.txt").read_bytes() == b"x"
