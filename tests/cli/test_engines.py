"""``--engine``: both engines, the same bytes on standard output."""

from __future__ import annotations

import pytest

from aiplus_kg import knowledge_graph
from tests.support import REPO, run_cli


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("chip-to-goal", ["-p", "chip=NVIDIA GPUs"]),
        ("article-facts", ["-p", "article=003"]),
        ("search-labels", ["-p", "text=Silk", "--format", "tsv"]),
        ("who-said-what", ["--format", "json"]),
        ("amounts-and-counts", ["--format", "xml"]),
    ],
)
def test_query_output_is_byte_identical(name: str, params: list[str]) -> None:
    fast = run_cli("--engine", "fast", "query", name, *params, root=REPO)
    reference = run_cli("--engine", "reference", "query", name, *params, root=REPO)
    assert fast.exit_code == reference.exit_code == 0, fast.stderr
    assert fast.stdout_bytes == reference.stdout_bytes
    assert fast.stdout_bytes.count(b"\n") >= 2


def test_check_output_is_identical() -> None:
    fast = run_cli("--engine", "fast", "check")
    reference = run_cli("--engine", "reference", "check")
    assert fast.exit_code == reference.exit_code == 0
    assert fast.stdout == reference.stdout


def test_an_unknown_engine_is_exit_2() -> None:
    result = run_cli("--engine", "turbo", "stats")
    assert result.exit_code == 2
    assert "turbo" in result.stderr


def test_fallback_notice_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_graph, "fast_unavailable", lambda: "pyoxigraph is not installed")
    result = run_cli("query", "articles", "--format", "csv", root=REPO)
    expected = run_cli("--engine", "reference", "query", "articles", "--format", "csv", root=REPO)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("aiplus: notice: fast engine unavailable: pyoxigraph")
    assert result.stdout == expected.stdout
