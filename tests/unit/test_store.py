"""The dataset in pyoxigraph: terms cross unchanged, the default graph is the merge of
the named graphs, and the store says when a literal would not cross unchanged."""

from __future__ import annotations

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.load.store import Store
from aiplus_kg.namespaces import ID, RDFS, XSD


@pytest.mark.parametrize(
    "value",
    [
        ID.b,
        Literal("plain"),
        Literal("texte", lang="fr"),
        Literal("5", datatype=XSD.decimal),
        Literal("2025", datatype=XSD.gYear),
        Literal('quote " back \\ new\nline \r tab\t ünï 华为'),
        Literal("x", lang="zh-hans"),
    ],
    ids=repr,
)
def test_a_term_comes_back_as_it_went_in(value: Node) -> None:
    store = Store([(URIRef("urn:x:g"), [(ID.a, ID.p, value)])])
    answer = store.select("SELECT ?o WHERE { ?s ?p ?o }")
    assert not isinstance(answer, bool)
    assert answer[1] == [(value,)]
    assert list(store.objects(ID.a, ID.p)) == [value]


@pytest.mark.parametrize("graph", [URIRef("urn:x:g"), None])
def test_blank_nodes_keep_their_identity(graph: URIRef | None) -> None:
    node = BNode()
    store = Store([(graph, [(ID.a, ID.p, node), (node, RDFS.label, Literal("n"))])])
    assert list(store.objects(ID.a, ID.p)) == [node]
    assert list(store.objects(node, RDFS.label)) == [Literal("n")]
    assert len(store.oxigraph) == (4 if graph else 2)


def test_the_default_graph_is_the_merge_of_the_named_graphs() -> None:
    """A triple two articles state is one triple of the default graph, as in rdflib."""
    store = Store([(URIRef(f"urn:x:{n}"), [(ID.a, ID.p, ID.b)]) for n in ("one", "two")])
    answer = store.select("SELECT ?o WHERE { ?s ?p ?o }")
    assert not isinstance(answer, bool)
    assert answer[1] == [(ID.b,)]
    graphs = store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert not isinstance(graphs, bool)
    assert [row[0] for row in graphs[1]] == [URIRef("urn:x:one"), URIRef("urn:x:two")]
    assert store.graphs() == {URIRef("urn:x:one"), URIRef("urn:x:two")}


@pytest.mark.parametrize(
    ("value", "faithful"),
    [
        (Literal("5", datatype=XSD.decimal), True),
        (Literal("texte", lang="fr"), True),
        (Literal("plain"), True),
        (Literal("0.50", datatype=XSD.decimal), False),  # stored as 0.5
        (Literal("01", datatype=XSD.integer, normalize=False), False),  # stored as 1
        (Literal("x", lang="EN"), False),  # stored as @en
        (Literal("x", datatype=XSD.string), False),  # one term with "x" there
    ],
    ids=repr,
)
def test_the_store_says_when_a_literal_would_change(value: Literal, faithful: bool) -> None:
    assert Store([(URIRef("urn:x:g"), [(ID.a, ID.p, value)])]).faithful is faithful


def test_ask_and_bindings() -> None:
    store = Store.of_triples([(ID.a, ID.p, ID.b), (ID.c, ID.p, ID.d)])
    assert store.select("ASK { ?s ?p ?o }") is True
    answer = store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": ID.c})
    assert not isinstance(answer, bool)
    assert answer[1] == [(ID.c, ID.d)]
    assert (ID.a, ID.p, None) in store
    assert (ID.a, ID.q, None) not in store


def test_a_dump_reads_back_as_the_same_store() -> None:
    dataset = Dataset()
    dataset.graph(URIRef("urn:x:g")).add((ID.a, ID.p, Literal("x", lang="fr")))
    store = Store.of_dataset(dataset)
    again = Store.from_dump(store.dump())
    assert again.faithful
    assert set(again.oxigraph) == set(store.oxigraph)
