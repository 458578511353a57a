"""``aiplus draw`` on the command line: the DOT format needs no renderer, a missing
``dot`` program leaves the DOT text, bad input is a one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.query_support import ROOT
from tests.support import run_cli


def test_cli_dot_format_needs_no_renderer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program on the PATH
    result = run_cli("draw", "entity", "Ascend 910B", "--format", "dot", root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("digraph aiplus {")
    assert "Ascend 910B" in result.stdout


def test_cli_without_dot_writes_the_dot_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    target = tmp_path / "chain.svg"
    result = run_cli("draw", "query", "chip-to-goal", "-o", str(target), root=ROOT)
    assert result.exit_code == 1
    assert not target.exists()
    written = tmp_path / "chain.dot"
    assert written.read_text(encoding="utf-8").startswith("digraph aiplus {")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("aiplus: error: Graphviz's dot program was not found")
    assert "apt-get install graphviz" in result.stderr
    assert f"dot -Tsvg {written}" in result.stderr


def test_cli_bad_input(tmp_path: Path) -> None:
    cases = [
        (["entity", "Huawei", "-o", str(tmp_path / "x.txt")], "cannot tell the format"),
        (["entity", "no such thing"], "unknown entity"),
        (["query", "chip-to-gaol"], "did you mean: chip-to-goal"),
        (["query", "chip-to-goal", "-p", "chip=nothing at all"], "parameter 'chip'"),
        (["entity", "China", "--depth", "3"], "more than --max-nodes"),
    ]
    for args, message in cases:
        result = run_cli("draw", *args, root=ROOT)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith("aiplus: error: ")
        assert result.stderr.count("\n") == 1
        assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_no_chain_exits_1() -> None:
    result = run_cli(
        "draw",
        "path",
        "Ascend 910B",
        "Global South",
        "--max-hops",
        "2",
        "--format",
        "dot",
        root=ROOT,
    )
    assert result.exit_code == 1
    assert "use --max-hops 5" in result.stderr
    assert result.stdout == ""
