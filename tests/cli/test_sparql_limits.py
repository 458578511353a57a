"""aiplus sparql under the guard aiplus serve has: a deadline, a row cap and a memory
cap, each with an option that lifts it (0); past one, exit 2 and one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the limits need fork")

# four unrelated patterns: the engine would count for hours
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# three unrelated patterns, sorted on a long string: gigabytes
HUNGRY = (
    "SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
    'BIND(CONCAT(STR(?a), STR(?d), STR(?g), "' + "x" * 200 + '") AS ?x) } ORDER BY ?x LIMIT 1'
)


def query_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("aiplus: error: ")
    return lines[0]


def test_a_query_past_its_deadline_is_stopped(tmp_path: Path) -> None:
    result = run_cli("sparql", query_file(tmp_path, CROSS), "--deadline", "1")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "q.rq: the query was stopped at the 1 s deadline (see --deadline; 0 lifts it)" in line


def test_too_many_rows_are_refused(tmp_path: Path) -> None:
    path = query_file(tmp_path, "SELECT * WHERE { ?s ?p ?o }")
    result = run_cli("sparql", path, "--max-rows", "5")
    assert result.exit_code == 2
    assert "more than 5 rows" in one_error_line(result.stderr)
    lifted = run_cli("sparql", path, "--max-rows", "0", "--format", "csv")
    assert lifted.exit_code == 0, lifted.stderr
    assert len(lifted.stdout.splitlines()) > 6


@pytest.mark.slow
def test_a_query_past_its_memory_is_stopped(tmp_path: Path) -> None:
    result = run_cli("sparql", query_file(tmp_path, HUNGRY), "--memory", "64", "--deadline", "60")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert "q.rq: the query" in line
    assert "--memory" in line


def test_limits_lifted_give_the_same_answer(tmp_path: Path) -> None:
    path = query_file(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    guarded = run_cli("sparql", path, "--format", "csv")
    free = run_cli(
        "sparql", path, "--format", "csv", "--deadline", "0", "--memory", "0", "--max-rows", "0"
    )
    assert guarded.exit_code == free.exit_code == 0
    assert guarded.stdout == free.stdout


def test_errors_in_the_query_cross_from_its_process(tmp_path: Path) -> None:
    result = run_cli("sparql", query_file(tmp_path, "SELECT * WHERE { ?s ?p "))
    assert result.exit_code == 2
    assert "SPARQL syntax error" in one_error_line(result.stderr)
