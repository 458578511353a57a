"""``aiplus export`` on the command line: to a file or standard output, unknown formats,
an interrupted export, a missing folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset

import aiplus_kg.export.serialise as export_module
from aiplus_kg.export.serialise import FORMATS
from tests.support import run_cli


def _failing_writer(dataset: Dataset) -> Iterator[bytes]:
    yield b"<urn:a> <urn:b> <urn:c> .\n" * 100
    raise RuntimeError("disk on fire")


def test_cli_export_to_file_equals_stdout(tmp_path: Path) -> None:
    for fmt in FORMATS:
        out = tmp_path / f"all.{fmt}"
        result = run_cli("export", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        streamed = run_cli("export", "--format", fmt)
        assert streamed.stdout_bytes == out.read_bytes()


def test_cli_export_needs_a_known_format() -> None:
    result = run_cli("export", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_cli_interrupted_export_is_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(export_module._WRITERS, "nq", _failing_writer)
    out = tmp_path / "out.nq"
    result = run_cli("export", "--format", "nq", "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr == "aiplus: error: internal error: RuntimeError: disk on fire\n"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_export_into_missing_folder(tmp_path: Path) -> None:
    result = run_cli("export", "--format", "nt", "-o", str(tmp_path / "no" / "x.nt"))
    assert result.exit_code == 2
    assert "no such directory" in result.stderr
