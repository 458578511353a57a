"""Canonical N-Triples lines: the same lines whether or not a graph is copied first."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal

from aiplus_kg.export.canon import canonical_graph, canonical_lines, ntriples_lines
from aiplus_kg.namespaces import ID


def _graph(*, blank: bool) -> Graph:
    graph = Graph()
    graph.add((ID.b, ID.p, Literal("deux", lang="fr")))
    graph.add((ID.a, ID.p, Literal("line\nbreak")))
    if blank:
        node = BNode()
        graph.add((ID.a, ID.q, node))
        graph.add((node, ID.p, Literal(1)))
    return graph


def test_a_graph_without_blank_nodes_gives_the_lines_of_its_canonical_copy() -> None:
    graph = _graph(blank=False)
    assert canonical_lines(graph, tag="t") == ntriples_lines(canonical_graph(graph, tag="t"))


def test_blank_nodes_get_stable_tagged_labels() -> None:
    first, second = _graph(blank=True), _graph(blank=True)  # two different blank nodes
    lines = canonical_lines(first, tag="t")
    assert lines == canonical_lines(second, tag="t")
    assert lines == ntriples_lines(canonical_graph(first, tag="t"))
    assert any("_:t" in line for line in lines)
    assert lines == sorted(set(lines))
