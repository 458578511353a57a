"""``aiplus fmt`` and ``aiplus export`` on deeply nested blank nodes and long lists."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.load.turtle import parse_turtle_data
from tests.blank_forms import list_text, nested_text, tree_form
from tests.support import run_cli


def test_fmt_rewrites_deep_nesting_and_long_lists(mini_copy: Path) -> None:
    folder = mini_copy / "graph" / "articles"
    deep, long = folder / "a-deep.ttl", folder / "a-long.ttl"
    deep.write_text(nested_text(2000), encoding="utf-8")
    long.write_text(list_text(10_000), encoding="utf-8")
    result = run_cli("fmt", str(deep), str(long), root=mini_copy)
    assert result.exit_code == 0, result.output
    assert "formatted: graph/articles/a-deep.ttl" in result.stdout
    assert "formatted: graph/articles/a-long.ttl" in result.stdout
    for path, text in ((deep, nested_text(2000)), (long, list_text(10_000))):
        again = parse_turtle_data(path.read_text(encoding="utf-8"))
        assert tree_form(again) == tree_form(parse_turtle_data(text))
    result = run_cli("fmt", "--check", str(deep), str(long), root=mini_copy)
    assert result.exit_code == 0, result.output


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value)


def test_export_of_deep_nesting(mini_copy: Path) -> None:
    (mini_copy / "graph" / "articles" / "a-deep.ttl").write_text(
        nested_text(2000), encoding="utf-8"
    )
    expected = tree_form(parse_turtle_data(nested_text(2000)))
    for fmt in ("ttl", "nt"):
        result = run_cli("export", "--format", fmt, root=mini_copy)
        assert result.exit_code == 0, result.stderr
        exported = parse_turtle_data(result.stdout)
        deep = Graph()
        deep += (t for t in exported if str(t[1]).startswith("http://example.org/"))
        assert tree_form(deep) == expected
    # TriG: one named graph per article (read by pyoxigraph: rdflib's reader recurses)
    result = run_cli("export", "--format", "trig", root=mini_copy)
    assert result.exit_code == 0, result.stderr
    article = Graph()
    for quad in ox.parse(result.stdout_bytes, format=ox.RdfFormat.TRIG):
        if str(quad.graph_name).endswith("/a-deep>"):
            article.add(tuple(_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    assert tree_form(article) == expected


def test_nesting_too_deep_for_rdflibs_parser_is_exit_2(mini_copy: Path) -> None:
    # rdflib reads a file that spells out xsd:string; its parser recurses
    typed = '"x"^^<http://www.w3.org/2001/XMLSchema#string>'
    deep = mini_copy / "graph" / "articles" / "a-deep.ttl"
    deep.write_text(nested_text(2000).replace('"x"', typed), encoding="utf-8")
    result = run_cli("fmt", str(deep), root=mini_copy)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: graph/articles/a-deep.ttl")
    assert result.stderr.count("\n") == 1
