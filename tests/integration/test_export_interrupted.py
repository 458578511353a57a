"""An ``aiplus export`` stopped half way leaves no temporary file behind.

Each export runs in a fresh interpreter, through the real command-line entry point. To
stop it mid-write whatever the machine's speed, the interpreter first wraps the
serialiser so that, after the first chunk is written to the temporary file, it marks a
file and sleeps; the test then signals it:

* ``SIGTERM``: the command exits with 143 (128 + 15), one line on stderr at most, no
  temporary file, and the old output untouched;
* ``SIGKILL``: nothing can clean up, so the temporary file stays, named after the dead
  process; the next export into the folder removes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiplus_kg.atomic import DEBRIS_PATTERN
from tests.support import MINI, REPO

pytestmark = pytest.mark.slow

PAUSED = """
import sys, time
from pathlib import Path

import aiplus_kg.export.serialise as serialise
from aiplus_kg.cli import main

marker = Path(sys.argv[1])
original = serialise.serialize_chunks


def paused(*args, **kwargs):
    chunks = iter(original(*args, **kwargs))
    yield next(chunks)
    marker.write_text("writing")
    time.sleep(120)
    yield from chunks


serialise.serialize_chunks = paused
main(sys.argv[2:])
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _start_paused(out: Path, marker: Path) -> subprocess.Popen[bytes]:
    """An export to ``out`` that stops after its first chunk; returns once it has."""
    argv = ["--root", str(MINI), "export", "--format", "nq", "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED, str(marker), *argv],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"the export ended before writing: {err.decode()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the export never started writing")
        time.sleep(0.05)
    return process


def _debris(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_sigterm_mid_write_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "aiplus.nq"
    out.write_bytes(b"the previous export\n")
    process = _start_paused(out, tmp_path / "marker")
    [temporary] = _debris(folder)  # the write under way
    found = DEBRIS_PATTERN.fullmatch(temporary.name)
    assert found is not None
    assert int(found.group(1)) == process.pid
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err.decode()
    assert b"Traceback" not in err
    assert _debris(folder) == []
    assert out.read_bytes() == b"the previous export\n"


def test_debris_of_a_sigkill_goes_with_the_next_export(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    process = _start_paused(folder / "aiplus.nq", tmp_path / "marker")
    process.kill()
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    [left] = _debris(folder)
    found = DEBRIS_PATTERN.fullmatch(left.name)
    assert found is not None
    assert int(found.group(1)) == process.pid
    assert not (folder / "aiplus.nq").exists()

    command = [sys.executable, "-m", "aiplus_kg", "--root", str(MINI), "export"]
    again = folder / "aiplus.ttl"
    done = subprocess.run(
        [*command, "--format", "ttl", "-o", str(again)],
        env=_env(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert _debris(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == ["aiplus.ttl"]
    assert again.stat().st_size > 0
