"""Query parameters on the command line: unknown, ambiguous or malformed values are
clear one-line errors (exit 2); a label names an entity."""

from __future__ import annotations

from tests.query_support import ROOT
from tests.support import run_cli


def test_cli_unknown_label_exit_2_one_line() -> None:
    result = run_cli("query", "chip-to-goal", "--param", "chip=Ascend 910", root=ROOT)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aiplus: error: parameter 'chip' of chip-to-goal: unknown")
    assert "id:ascend-910b" in result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_bad_parameter_name_and_form() -> None:
    result = run_cli("query", "chip-to-goal", "-p", "model=x", root=ROOT)
    assert result.exit_code == 2
    assert "unknown parameter 'model'" in result.stderr
    result = run_cli("query", "chip-to-goal", "-p", "chip", root=ROOT)
    assert result.exit_code == 2
    assert "--param takes NAME=VALUE" in result.stderr


def test_cli_unknown_query_lists_close_names() -> None:
    result = run_cli("query", "who-said", root=ROOT)
    assert result.exit_code == 2
    assert (
        result.stderr == "aiplus: error: unknown query 'who-said'; did you mean: who-said-what?\n"
    )


def test_cli_label_parameter() -> None:
    result = run_cli(
        "query", "entity-sources", "-p", "entity=Xinhua News Agency", "--iris", root=ROOT
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("entity: id:xinhua\n")
    assert "aip:citesDocument" in result.stdout
