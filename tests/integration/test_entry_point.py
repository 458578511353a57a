"""The real entry point, ``python -m aiplus_kg``, in a fresh interpreter: the version,
a one-line error without a traceback, CSV with CRLF line ends on standard output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aiplus_kg import __version__
from tests.query_support import ROOT


def _python_m(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aiplus_kg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_m_version() -> None:
    proc = _python_m("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"aiplus, version {__version__}\n"


def test_real_entry_point_has_no_traceback(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "ontology").mkdir(parents=True)
    (root / "graph" / "articles").mkdir(parents=True)
    (root / "ontology" / "aiplus.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    (root / "graph" / "articles" / "x.ttl").write_text(
        '<urn:a> <urn:b> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    proc = _python_m("--root", str(root), "stats")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        'aiplus: error: graph/articles/x.ttl:1: ill-typed literal "abc"'
        "^^<http://www.w3.org/2001/XMLSchema#integer>\n"
    )


def test_real_entry_point_writes_crlf_csv() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aiplus_kg",
            "--root",
            str(ROOT),
            "query",
            "articles",
            "--format",
            "csv",
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"article,identifier,date,publisher,statements,entities\r\n")
    assert proc.stdout.count(b"\r\n") == 6
