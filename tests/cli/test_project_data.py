"""Checks on the project's own data through the command line: ``aiplus stats`` runs,
and the files are canonical (``aiplus fmt --check``)."""

from __future__ import annotations

from tests.support import REPO, run_cli

ROOT = REPO


def test_stats_runs() -> None:
    result = run_cli("stats", root=ROOT)
    assert result.exit_code == 0, result.output
    assert "Facts per article" in result.stdout


def test_files_are_canonical() -> None:
    result = run_cli("fmt", "--check", root=ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
