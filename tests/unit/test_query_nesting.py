"""Brackets nested deeper than rdflib's SPARQL parser can recurse: refused before it
runs (exit code 2, naming the query and where), never a RecursionError (exit code 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from aiplus_kg.cli import cli
from aiplus_kg.errors import InputError
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.query import guard
from aiplus_kg.query.guard import MAX_NESTING, QueryRefusedError, check_nesting, prepare
from tests.support import MINI


def _calls(depth: int) -> str:  # the deepest recursion per level in rdflib's parser
    n = depth - 2  # the WHERE group and BIND's parenthesis
    return f'SELECT ?x WHERE {{ BIND({"STR(" * n}"a"{")" * n} AS ?x) }}'


def _parentheses(depth: int) -> str:
    n = depth - 2
    return f"SELECT * WHERE {{ ?s ?p ?o FILTER({'(' * n}1{')' * n}) }}"


def _subqueries(depth: int) -> str:
    n = (depth - 1) // 2
    inner = "{ SELECT * WHERE { " * n + "?s ?p ?o" + " } }" * n
    return f"SELECT * WHERE {{ {inner} }}"


def _blank_nodes(depth: int) -> str:
    n = depth - 1
    return f"SELECT * WHERE {{ ?s ?p {'[ ?p ' * n}1{' ]' * n} }}"


SHAPES: dict[str, Callable[[int], str]] = {
    "calls": _calls,
    "parentheses": _parentheses,
    "subqueries": _subqueries,
    "blank-nodes": _blank_nodes,
}


def _with_frames(frames: int, body: Callable[[], object]) -> object:
    """``body()`` called under ``frames`` more Python frames: a caller's stack (the
    command line, a server) counts against the same recursion limit."""
    return body() if frames == 0 else _with_frames(frames - 1, body)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_deepest_nesting_allowed_parses_with_room_for_the_caller(shape: str) -> None:
    text = SHAPES[shape](MAX_NESTING)
    check_nesting(text)
    prepared = _with_frames(150, lambda: prepare(text, None))
    assert isinstance(prepared, guard.PreparedQuery)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_one_level_more_is_refused_where_it_starts(shape: str) -> None:
    text = "# a comment\n" + SHAPES[shape](MAX_NESTING + 2)
    with pytest.raises(InputError) as info:
        prepare(text, None, display="q.rq")
    # a malformed query (serve: 400), not a refused query form (serve: 403)
    assert not isinstance(info.value, QueryRefusedError)
    message = info.value.message
    assert message.startswith(f"q.rq:2: the query nests brackets more than {MAX_NESTING} deep")
    assert info.value.exit_code == 2


def test_brackets_in_strings_iris_and_comments_do_not_count() -> None:
    deep = "(" * 40
    text = f'SELECT * WHERE {{ ?s <urn:x:{"%28" * 3}> "{deep}" # {deep}\n}}'
    check_nesting(text)
    prepare(text, None)


def test_a_recursion_error_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backstop: should the parser still recurse too deep, the query is refused."""
    monkeypatch.setattr(guard, "MAX_NESTING", 10_000)
    with pytest.raises(InputError, match=r"^q\.rq: the query nests too deeply") as info:
        prepare(_parentheses(200), None, display="q.rq")
    assert not isinstance(info.value, QueryRefusedError)


def test_aiplus_sparql_refuses_25_nested_parentheses_with_exit_2() -> None:
    args = ["--root", str(MINI), "sparql", "-"]
    result = CliRunner().invoke(cli, args, input=_parentheses(27), catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: <stdin>:1: the query nests brackets more ")
    assert result.stderr.count("\n") == 1


def test_a_saved_query_nested_too_deep_is_refused(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    for folder in ("ontology", "graph"):
        (tmp_path / folder).symlink_to(MINI / folder)
    (tmp_path / "queries" / "deep.rq").write_text(
        "#+ summary: too deep\n" + _calls(MAX_NESTING + 1), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"^queries/deep\.rq:2: the query nests brackets"):
        KnowledgeGraph.open(tmp_path).saved_query("deep")
