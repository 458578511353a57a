"""``aiplus path`` on the command line: text and JSON, the README example, and the exit
codes of no chain and of an unknown entity."""

from __future__ import annotations

import json

from tests.query_support import ROOT
from tests.support import run_cli


def test_cli_connected_pair() -> None:
    result = run_cli("path", "Ascend 910B", "Global South", "--max-hops", "5", root=ROOT)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "4 shortest chains of 5 links from Ascend 910B to Global South"
    assert "      <--[adopts]--  src:001-c4f603b6c01e8ba9; hedge: reported" in result.stdout
    assert "  Global South (id:global-south)" in lines


def test_cli_json() -> None:
    result = run_cli("path", "id:ascend-910b", "self-sufficiency", "--format", "json", root=ROOT)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["length"] == 2
    assert data["chains"][0]["steps"][1]["short"] == "id:deepseek-r2-chip-decision"


def test_readme_example_is_what_path_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index('$ aiplus path "Ascend 910B" "self-sufficiency"\n')
    block = readme[start : readme.index("```", start)]
    _command, shown = block.split("\n", 1)
    result = run_cli("path", "Ascend 910B", "self-sufficiency", root=ROOT)
    assert result.stdout == shown


def test_cli_no_chain_exit_1() -> None:
    result = run_cli("path", "Ascend 910B", "Global South", "--max-hops", "4", root=ROOT)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "aiplus: error: no chain of at most 4 links between Ascend 910B"
    )
    assert result.stderr.endswith("use --max-hops 5\n")


def test_cli_default_max_hops_finds_the_issue_example() -> None:
    result = run_cli("path", "Ascend 910B", "Global South", root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert "Global South" in result.stdout


def test_cli_unknown_entity_exit_2() -> None:
    result = run_cli("path", "Ascend 910", "Global South", root=ROOT)
    assert result.exit_code == 2
    assert "unknown entity: 'Ascend 910'" in result.stderr
    assert "id:ascend-910b" in result.stderr


def test_cli_bad_max_hops() -> None:
    result = run_cli("path", "Huawei", "China", "--max-hops", "0", root=ROOT)
    assert result.exit_code == 2
