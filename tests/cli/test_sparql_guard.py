"""``aiplus sparql`` on the command line: refused queries exit 2 with one line, a file
or standard input runs, an ASK answer has no CSV form."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aiplus_kg.cli import cli
from tests.query_support import ROOT
from tests.support import run_cli


def _run_with_stdin(args: list[str], stdin: str) -> Result:
    return CliRunner().invoke(
        cli, ["--root", str(ROOT), *args], input=stdin, catch_exceptions=False
    )


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { id:a id:b id:c }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
        "CLEAR ALL",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ],
)
def test_cli_refuses_with_exit_2(text: str) -> None:
    result = _run_with_stdin(["sparql", "-"], text)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aiplus: error: <stdin>: refused: ")
    assert result.stderr.count("\n") == 1


def test_cli_runs_a_file(tmp_path: Path) -> None:
    query = tmp_path / "chips.rq"
    query.write_text("SELECT ?chip ?maker WHERE { ?chip aip:madeBy ?maker } ORDER BY ?chip\n")
    result = run_cli("sparql", str(query), "--format", "csv", root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"chip,maker\r\nhttps://w3id.org/aiplus/id/ascend-910b,")
    table = run_cli("sparql", str(query), root=ROOT)
    assert "Ascend 910B" in table.stdout
    assert "(3 rows)" in table.stdout


def test_cli_missing_file() -> None:
    result = run_cli("sparql", "nope.rq", root=ROOT)
    assert result.exit_code == 2
    assert "nope.rq: no such file" in result.stderr


def test_cli_ask_has_no_csv() -> None:
    result = _run_with_stdin(["sparql", "-", "--format", "csv"], "ASK { ?s ?p ?o }")
    assert result.exit_code == 2
    assert "an ASK answer has no CSV form" in result.stderr
    result = _run_with_stdin(["sparql", "-", "--format", "xml"], "ASK { ?s ?p ?o }")
    assert result.exit_code == 0
    assert "<boolean>true</boolean>" in result.stdout
