"""``aiplus queries`` and ``aiplus query``: the catalogue and its output formats."""

from __future__ import annotations

import json

import pytest

from aiplus_kg.query.results import to_csv, to_json, to_tsv, to_xml
from tests.query_support import ROOT, default_results
from tests.support import run_cli


def test_queries_lists_names_summaries_and_parameters() -> None:
    result = run_cli("queries", root=ROOT)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    chip = next(i for i, line in enumerate(lines) if line.startswith("chip-to-goal "))
    assert "How a chip leads to the AI models" in lines[chip]
    assert lines[chip + 1].split() == [
        "--param",
        "chip=...",
        "(IRI",
        "of",
        "aip:Chip,",
        "default",
        "id:ascend-910b)",
    ]
    assert sum(1 for line in lines if not line.startswith(" ")) >= 15


def test_queries_json() -> None:
    result = run_cli("queries", "--format", "json", root=ROOT)
    data = json.loads(result.stdout)
    article = next(q for q in data if q["name"] == "article-facts")
    assert article["parameters"] == [
        {
            "name": "article",
            "variable": "_article_iri",
            "type": "IRI",
            "default": "src:001-c4f603b6c01e8ba9",
        }
    ]
    assert article["file"] == "queries/article-facts.rq"
    assert all(q["summary"] and q["description"] and q["tags"] for q in data)


def test_queries_of_a_project_without_any() -> None:
    result = run_cli("queries")
    assert result.exit_code == 0
    assert result.stdout == "no saved queries (queries/*.rq)\n"


def test_query_table() -> None:
    result = run_cli("query", "chip-to-goal", root=ROOT)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "chip: Ascend 910B"
    assert lines[1].split() == [
        "step",
        "subject",
        "property",
        "object",
        "linkHedge",
        "subjectHedge",
        "accordingTo",
        "source",
    ]
    uses = next(line for line in lines if " uses chip " in line)
    assert uses.split()[:2] == ["3", "DeepSeek"]
    assert "reported" in uses
    assert "Article 001: Xi Jinping" in uses
    assert "technological self-sufficiency" in result.stdout
    assert lines[-1] == "(12 rows)"


def test_query_iris() -> None:
    result = run_cli("query", "chip-to-goal", "--iris", root=ROOT)
    assert result.stdout.splitlines()[0] == "chip: id:ascend-910b"
    assert "aip:usesChip" in result.stdout
    assert "src:001-c4f603b6c01e8ba9" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "writer"), [("csv", to_csv), ("tsv", to_tsv), ("json", to_json), ("xml", to_xml)]
)
def test_query_formats_are_the_library_writers(fmt: str, writer: object) -> None:
    result = run_cli("query", "compute-vouchers", "--format", fmt, root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == writer(default_results("compute-vouchers"))  # type: ignore[operator]


def test_query_limit() -> None:
    result = run_cli("query", "who-said-what", "--limit", "2", "--format", "csv", root=ROOT)
    assert result.stdout_bytes.count(b"\r\n") == 3
    table = run_cli("query", "who-said-what", "--limit", "2", root=ROOT)
    assert table.stdout.splitlines()[-1] == "(2 of 16 rows)"


def test_help_mentions_the_new_commands_and_exit_code() -> None:
    result = run_cli("--help", root=None)
    for command in ("queries", "query", "sparql", "path"):
        assert command in result.stdout
    assert "no chain for path" in result.stdout
