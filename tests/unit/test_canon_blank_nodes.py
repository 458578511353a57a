"""Canonical blank-node labels: rdflib's labels, for graphs of any size and shape.

The project's canonicalizer must give exactly rdflib's labels (exports are compared
byte for byte from release to release) while taking time near linear in the number
of blank nodes; graphs with thousands of them are checked against an isomorphism
test that shares nothing with either (:func:`tests.blank_forms.tree_form`).
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import _TripleCanonicalizer, to_canonical_graph
from rdflib.compare import isomorphic as rdflib_isomorphic

import aiplus_kg.export.canon as canon_module
from aiplus_kg.export.canon import (
    Canonicalizer,
    _Order,
    _Part,
    _Refinement,
    canonical_graph,
    canonical_lines,
    canonical_triples,
    graph_tag,
    isomorphic,
    ntriples_lines,
)
from aiplus_kg.export.serialise import serialize
from aiplus_kg.load.turtle import parse_turtle_data
from tests.blank_forms import EX, P, Q, flat_graph, list_graph, nested_text, tree_form

# --- the same labels as rdflib, on small graphs of every shape ---------------------------

_blank = st.integers(0, 7).map(lambda i: BNode(f"b{i}"))
_iri = st.integers(0, 3).map(lambda i: URIRef(f"http://example.org/n{i}"))
_predicate = st.integers(0, 2).map(lambda i: URIRef(f"http://example.org/p{i}"))
_literal = st.sampled_from([Literal("a"), Literal("b", lang="fr"), Literal(1)])
_triples = st.lists(
    st.tuples(
        st.one_of(_blank, _blank, _iri), _predicate, st.one_of(_blank, _blank, _iri, _literal)
    ),
    min_size=1,
    max_size=24,
)


def _graph(triples: list[tuple[object, object, object]]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples)
def test_labels_are_rdflibs(triples: list[tuple[object, object, object]]) -> None:
    # cycles, symmetric blank nodes (rdflib's search) and blank nodes linked to each
    # other every which way: the labels are rdflib's, triple for triple
    graph = _graph(triples)
    assert set(canonical_triples(graph)) == set(to_canonical_graph(graph))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples, _triples)
def test_isomorphic_agrees_with_rdflib(
    first: list[tuple[object, object, object]], second: list[tuple[object, object, object]]
) -> None:
    one, two = _graph(first), _graph(second)
    assert isomorphic(one, two) == rdflib_isomorphic(one, two)
    renamed = Graph()
    fresh: dict[object, BNode] = {}
    for s, p, o in one:
        renamed.add(
            tuple(fresh.setdefault(t, BNode()) if isinstance(t, BNode) else t for t in (s, p, o))  # type: ignore[arg-type]
        )
    assert isomorphic(one, renamed)


_text = st.text(
    alphabet=st.sampled_from(["a", "\n", "\r", '"', "\\", "\u2028", "\u0085", "é", " "]), max_size=6
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_triples, st.lists(_text, max_size=4))
def test_lines_are_those_of_the_canonical_graph(
    triples: list[tuple[object, object, object]], texts: list[str]
) -> None:
    # canonical_lines writes each line itself: the same lines as serializing the copy
    graph = _graph(triples)
    for i, text in enumerate(texts):
        graph.add((BNode(f"b{i}"), URIRef("http://example.org/t"), Literal(text)))
    lines = canonical_lines(graph, tag="t")
    assert lines == ntriples_lines(canonical_graph(graph, tag="t"))


def test_labels_are_rdflibs_for_a_few_hundred_blank_nodes() -> None:
    # rdflib itself needs seconds for this many
    for graph in (flat_graph(150), list_graph(150), parse_turtle_data(nested_text(150))):
        assert set(canonical_triples(graph)) == set(to_canonical_graph(graph))


# --- thousands of blank nodes ------------------------------------------------------------


def test_canonical_lines_of_thousands_of_blank_nodes_are_the_same_graph() -> None:
    graph = flat_graph(3000)
    lines = canonical_lines(graph, tag="t")
    again = Graph().parse(data="\n".join(lines), format="nt")
    assert tree_form(again) == tree_form(graph)
    assert len({line.split()[0] for line in lines if line.startswith("_:t")}) == 3000
    assert canonical_lines(flat_graph(3000), tag="t") == lines  # other blank nodes, same text


def test_a_long_list_and_a_deep_nesting_keep_their_shape() -> None:
    for graph in (list_graph(4000), parse_turtle_data(nested_text(4000))):
        copy = canonical_graph(graph)
        assert tree_form(copy) == tree_form(graph)
        assert isomorphic(copy, graph)


def test_export_of_thousands_of_blank_nodes_is_the_same_graph() -> None:
    dataset = Dataset(default_union=True)
    source = URIRef("https://w3id.org/aiplus/source/x")
    dataset.graph(source).addN((s, p, o, dataset.graph(source)) for s, p, o in flat_graph(2000))
    expected = tree_form(flat_graph(2000))
    for fmt, syntax in (("nt", "nt"), ("ttl", "turtle")):
        data = serialize(dataset, fmt)
        assert tree_form(Graph().parse(data=data, format=syntax)) == expected
    quads = Dataset()
    quads.parse(data=serialize(dataset, "nq"), format="nquads")
    assert tree_form(quads.graph(source)) == expected
    assert f"_:{graph_tag(source)}cb" in serialize(dataset, "nq").decode()


# --- blank nodes that nothing tells apart -------------------------------------------------

# a forest of blank nodes under a few terms, each with one of a few descriptions: many
# are interchangeable (``ex:s ex:p [ ex:q "x" ], [ ex:q "x" ]``)
_forest = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=30
)


def _forest_graph(shape: list[tuple[int, int, int]], order: list[int] | None = None) -> Graph:
    graph = Graph()
    blanks: list[BNode] = []
    triples = []
    for parent, predicate, value in shape:
        node = BNode()
        above = blanks[parent % len(blanks)] if blanks and parent % 3 else URIRef(EX + "s")
        triples.append((above, (P, Q)[predicate], node))
        triples.append((node, Q, Literal("xy"[value])))
        blanks.append(node)
    for index in order or range(len(triples)):
        graph.add(triples[index % len(triples)])
    for triple in triples:
        graph.add(triple)
    return graph


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_forest)
def test_interchangeable_blank_nodes_as_rdflibs_experimental_path(
    shape: list[tuple[int, int, int]],
) -> None:
    graph = _forest_graph(shape)
    theirs = _TripleCanonicalizer(graph)
    initial = theirs._initial_color()
    coloring = theirs._refine(initial, initial[:])
    ours = Canonicalizer(graph)
    start = ours._initial_color()
    refinement = _Refinement(ours, start, start[:])
    refinement.refine()
    if theirs._discrete(coloring):
        return
    expected = theirs._experimental_path(coloring)
    refinement.individualize()
    got = refinement.colors()
    assert [(c.nodes, c.hash_color()) for c in got] == [(c.nodes, c.hash_color()) for c in expected]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_forest, st.lists(st.integers(0, 100), max_size=60))
def test_interchangeable_blank_nodes_get_the_same_labels_whatever_their_order(
    shape: list[tuple[int, int, int]], order: list[int]
) -> None:
    # without rdflib's search, whichever blank node goes first: the same lines
    one, two = _forest_graph(shape), _forest_graph(shape, order)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(canon_module, "SEARCH_LIMIT", 0)
        lines = canonical_lines(one, tag="t")
        assert lines == canonical_lines(two, tag="t")
    again = Graph().parse(data="\n".join(lines), format="nt")
    assert tree_form(again) == tree_form(one)


def test_thousands_of_interchangeable_blank_nodes() -> None:
    # rdflib's search takes time in the fourth power of their number (50: 10 s)
    graph = Graph()
    for _ in range(5000):
        node, inner = BNode(), BNode()
        graph.add((URIRef(EX + "s"), P, node))
        graph.add((node, Q, inner))
        graph.add((inner, Q, Literal("x")))
    lines = canonical_lines(graph, tag="t")
    assert len(lines) == 15000
    assert tree_form(Graph().parse(data="\n".join(lines), format="nt")) == tree_form(graph)


# --- the order of the colouring ----------------------------------------------------------


@given(st.lists(st.integers(0, 10**6), max_size=400))
def test_order_keeps_the_order_of_insertion(where: list[int]) -> None:
    order = _Order()
    expected: list[_Part] = []
    for pick in where:
        part = _Part({}, (), 0, "")
        before = expected[pick % len(expected)] if expected and pick % 3 else order.head
        order.insert_after(before, part)
        at = 0 if before is order.head else expected.index(before) + 1
        expected.insert(at, part)
    assert list(order) == expected
    labels = [part.label for part in order]
    assert labels == sorted(set(labels))


def test_order_survives_insertions_at_one_place() -> None:
    order = _Order()
    first = _Part({}, (), 0, "")
    order.insert_after(order.head, first)
    made = [first]
    for _ in range(5000):  # each right after the first: the gap halves every time
        part = _Part({}, (), 0, "")
        order.insert_after(first, part)
        made.insert(1, part)
    assert list(order) == made
    assert all(a.label < b.label for a, b in pairwise(made))
