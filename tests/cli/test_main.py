"""The ``aiplus`` command group: version, help, exit codes, one-line errors, and the
project root from ``--root`` or ``AIPLUS_ROOT`` (the real entry point, ``python -m
aiplus_kg``: ``tests/integration/test_entry_point.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiplus_kg import __version__
from tests.support import MINI, run_cli


def test_version() -> None:
    result = run_cli("--version", root=None)
    assert result.exit_code == 0
    assert result.stdout == f"aiplus, version {__version__}\n"


def test_help_documents_exit_codes() -> None:
    result = run_cli("--help", root=None)
    assert result.exit_code == 0
    for line in ("0  success", "1  check failed", "2  bad input or usage", "3  internal error"):
        assert line in result.stdout
    for command in ("stats", "describe", "export", "fmt", "check"):
        assert command in result.stdout


def test_unknown_option_is_a_usage_error() -> None:
    result = run_cli("stats", "--nope")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "aiplus: error: No such option '--nope'; usage: aiplus stats [OPTIONS] "
        "(see 'aiplus stats --help')\n"
    )
    result = run_cli("frobnicate")
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: No such command 'frobnicate'")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query"], "Missing argument 'NAME'; usage: aiplus query [OPTIONS] NAME"),
        (["query", "x", "--format", "yaml"], "Invalid value for '--format': 'yaml'"),
        (["query", "x", "--width", "-1"], "Invalid value for '--width'"),
        (["query", "x", "--lang", "e n"], "Invalid value for '--lang'"),
        (["draw", "path", "a"], "Missing argument 'END'; usage: aiplus draw path"),
        (["--engine", "slow", "stats"], "Invalid value for '--engine'"),
        (["--nope"], "No such option '--nope'; usage: aiplus [OPTIONS] COMMAND"),
        (["export", "--format"], "Option '--format' requires an argument"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    """click prints a usage error over several lines (usage, hint, blank, error): here
    it is one line, with the usage and where the help is, and exit code 2."""
    result = run_cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"aiplus: error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert "--help'" in result.stderr


def test_a_group_without_a_command_still_shows_its_help() -> None:
    result = run_cli("draw")
    assert "Usage: aiplus draw [OPTIONS] COMMAND" in result.stdout + result.stderr


def test_check_ok() -> None:
    result = run_cli("check")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_check_reports_each_inconsistency(mini_copy: Path) -> None:
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nid:li-qiang a aip:Chip .\n", encoding="utf-8"
    )
    result = run_cli("check", root=mini_copy)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("found")
    assert any(
        line.startswith("inconsistent: ") and "Li Qiang (id:li-qiang)" in line for line in lines
    )


def test_missing_root() -> None:
    result = run_cli("stats", root=MINI / "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: ")
    assert result.stderr.count("\n") == 1


def test_missing_ontology(mini_copy: Path) -> None:
    (mini_copy / "ontology" / "aiplus.ttl").unlink()
    result = run_cli("stats", root=mini_copy)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: ontology/aiplus.ttl: missing ontology file")


@pytest.mark.parametrize("command", [["stats"], ["describe", "huawei"], ["check"]])
def test_malformed_turtle_names_file_and_line(mini_copy: Path, command: list[str]) -> None:
    bad = mini_copy / "graph" / "articles" / "a-one.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7] + " oops"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(*command, root=mini_copy)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aiplus: error: graph/articles/a-one.ttl:")
    location = result.stderr.split(": ")[2]
    assert location.rsplit(":", 1)[1].isdigit()
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_unexpected_exception_is_one_line_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr("aiplus_kg.views.stats.compute_stats", broken)
    result = run_cli("stats")
    assert result.exit_code == 3
    assert result.stderr == (
        "aiplus: error: internal error: ZeroDivisionError: division by zero second line\n"
    )


def test_env_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPLUS_ROOT", str(MINI))
    result = run_cli("stats", "--format", "json", root=None)
    assert result.exit_code == 0
    assert "src:a-one" in result.stdout
