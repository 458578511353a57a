"""The pyoxigraph store: terms go in as N-Quads text or as term objects, and come back
out of a query as the very rdflib terms that went in."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from aiplus_kg import oxstore
from aiplus_kg.namespaces import ID, XSD
from aiplus_kg.oxstore import graph_store, graphs_store, load_store, select

AWKWARD_LITERALS = [
    Literal(""),
    Literal('say "hello"'),
    Literal("back\\slash \\n not a newline"),
    Literal("two\nlines\r\nand a\ttab"),
    Literal("accents é, 人工智能, emoji \U0001f916"),
    Literal("quote at the end\\"),
    Literal("texte", lang="fr"),
    Literal("人工智能", lang="zh"),
    Literal("x", lang="zh-hans"),
    Literal("5", datatype=XSD.decimal),
    Literal("2025-07-26", datatype=XSD.date),
    Literal("not a number", datatype=XSD.integer),
    Literal("x", datatype=URIRef("https://example.org/my-type")),
]
CHANGING_LITERALS = [
    Literal("0.50", datatype=XSD.decimal),
    Literal("x", lang="EN"),
    Literal("x", datatype=XSD.string),
]
"""Literals pyoxigraph would store otherwise than rdflib holds them."""
IRIS = [ID.a, URIRef("https://example.org/café/人工智能"), URIRef("urn:x:y"), ID["a%20b"]]


def _rows(ds: oxstore.OxDataset, query: str) -> set[tuple[object, ...]]:
    answer = select(ds, query)
    assert not isinstance(answer, bool)
    return set(answer[1])


@pytest.mark.parametrize("value", AWKWARD_LITERALS + IRIS, ids=repr)
def test_a_term_comes_back_as_it_went_in(value: object) -> None:
    ds = graph_store([(ID.s, ID.p, value)])  # type: ignore[list-item]
    assert ds.faithful
    assert _rows(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }") == {(ID.s, ID.p, value)}


def test_text_and_term_objects_store_the_same_quads() -> None:
    """Every quad the text path writes is the quad pyoxigraph's constructors build."""
    triples = [(iri, ID.p, value) for iri in IRIS for value in AWKWARD_LITERALS + IRIS]
    ds = graph_store(triples)
    to = oxstore.Converter().to_ox
    expected = {ox.Quad(to(s), to(p), to(o), ox.DefaultGraph()) for s, p, o in triples}
    assert set(ds.store) == expected


def test_blank_nodes_keep_their_identity() -> None:
    node, other = BNode(), BNode()
    ds = graph_store([(node, ID.p, other), (other, ID.q, Literal("x")), (ID.a, ID.r, node)])
    rows = _rows(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert rows == {(node, ID.p, other), (other, ID.q, Literal("x")), (ID.a, ID.r, node)}
    bound = select(ds, "SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": node})
    assert not isinstance(bound, bool)
    assert bound[1] == [(node, other)]


def test_named_graphs_and_their_merge() -> None:
    one, two = URIRef("urn:x:one"), URIRef("urn:x:two")
    shared, alone = (ID.a, ID.p, Literal("shared")), (ID.b, ID.p, BNode())
    ds = graphs_store([(one, [shared, alone]), (two, [shared])])
    quads = _rows(ds, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert quads == {(one, *shared), (one, *alone), (two, *shared)}
    assert _rows(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }") == {shared, alone}


@pytest.mark.parametrize("value", CHANGING_LITERALS, ids=repr)
def test_a_literal_that_would_change_makes_the_store_unfaithful(value: Literal) -> None:
    assert not graph_store([(ID.s, ID.p, value)]).faithful


def test_a_store_larger_than_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oxstore, "_CHUNK", 7)
    triples = {(ID[f"s{i}"], ID.p, Literal(i)) for i in range(50)}
    ds = graph_store(triples)
    assert _rows(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }") == triples


def test_named_graphs_larger_than_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oxstore, "_CHUNK", 7)
    graphs = [
        (ID[f"g{k}"], [(ID[f"s{i}"], ID.p, Literal(i % 4)) for i in range(k, 40)])
        for k in (1, 2, 3)
    ]
    ds = graphs_store(graphs)
    quads = _rows(ds, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert quads == {(name, *triple) for name, triples in graphs for triple in triples}
    merge = {triple for _, triples in graphs for triple in triples}
    assert _rows(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }") == merge


def _quads() -> list[ox.Quad]:
    default = ox.DefaultGraph()
    quads = []
    for i in range(30):
        s, o = ox.NamedNode(f"urn:x:s{i % 7}"), ox.Literal(f"v{i}", language="fr")
        quads.append(ox.Quad(s, ox.NamedNode("urn:x:p"), o, default))
        quads.append(ox.Quad(s, ox.NamedNode("urn:x:p"), o, ox.NamedNode(f"urn:x:g{i % 3}")))
    return quads


def _store_of(quads: list[ox.Quad]) -> oxstore.OxDataset:
    store = ox.Store()
    for quad in quads:
        store.add(quad)
    return oxstore.OxDataset(store, oxstore.Converter())


def test_the_dump_does_not_depend_on_the_order_quads_came_in() -> None:
    """A cache entry is the same bytes for the same data, in the order a store is
    filled fastest: the default graph's lines, then the named graphs', each sorted."""
    quads = _quads()
    dump = _store_of(quads).dump()
    assert _store_of(quads[::-1]).dump() == dump
    lines = dump.decode().splitlines()
    plain = [line for line in lines if "<urn:x:g" not in line]  # the default graph's
    assert lines == sorted(plain) + sorted(line for line in lines if line not in plain)


def test_a_dump_reads_back_as_the_same_store() -> None:
    shared, alone = (ID.a, ID.p, Literal("shared")), (ID.b, ID.p, BNode())
    graphs = [(URIRef("urn:x:one"), [shared, alone, *[(ID.c, ID.q, Literal(i)) for i in range(9)]])]
    ds = graphs_store([*graphs, (URIRef("urn:x:two"), [shared])])
    back = load_store(ds.dump())
    assert len(back.store) == len(ds.store)
    named = "SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(!isBlank(?o)) } }"
    assert _rows(back, named) == _rows(ds, named)
    blank = "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?o)) } }"
    assert _rows(back, blank) == _rows(ds, blank) == {(URIRef("urn:x:one"), ID.b)}


LAYER = URIRef("urn:x:layer")


def test_a_layer_is_read_with_its_base() -> None:
    """A layered dataset's queries read the base's default graph and the layer's named
    graph, one store; the base's queries still read its default graph alone."""
    base = graph_store([(ID.s, ID.p, ID.o), (ID.s, ID.q, Literal("x"))])
    layer = oxstore.layered_store(base, [(ID.o, ID.p, ID.s), (ID.s, ID.r, BNode())], LAYER)
    assert layer.store is base.store
    query = "SELECT ?s ?p WHERE { ?s ?p ?o }"
    assert _rows(base, query) == {(ID.s, ID.p), (ID.s, ID.q)}
    assert _rows(layer, query) == {(ID.s, ID.p), (ID.s, ID.q), (ID.o, ID.p), (ID.s, ID.r)}
    assert _rows(layer, "SELECT ?o WHERE { ?s <urn:x:none> ?o }") == set()
    graphs = {str(q.graph_name) for q in base.store}
    assert graphs == {"DEFAULT", f"<{LAYER}>"}
    assert len(base.store) == 4  # the layer's triples in its graph only


@pytest.mark.parametrize("value", CHANGING_LITERALS, ids=repr)
def test_a_layer_with_a_literal_that_would_change(value: Literal) -> None:
    """A layer bringing a literal the store would change is not faithful; its base,
    which does not read it, still is."""
    base = graph_store([(ID.s, ID.p, Literal("0.5", datatype=XSD.decimal))])
    layer = oxstore.layered_store(base, [(ID.t, ID.p, value)], LAYER)
    assert not layer.faithful
    assert base.faithful


def test_a_layer_with_the_base_literals_needs_no_new_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A layer whose typed literals the base already holds is as faithful as the base,
    without reading its literals again (a million-triple read for a closure's types)."""
    five = Literal("5", datatype=XSD.integer)
    base = graph_store([(ID.s, ID.p, five)])
    layer = oxstore.layered_store(
        base, [(ID.t, ID.p, five), (ID.t, ID.q, ID.s), (ID.t, ID.r, Literal("x"))], LAYER
    )
    assert base.faithful
    monkeypatch.setattr(oxstore, "_TYPED_LITERALS", "not a query")  # read it and fail
    assert layer.faithful
    assert _rows(layer, "SELECT ?s WHERE { ?s ?p 5 }") == {(ID.s,), (ID.t,)}


def test_a_layer_of_an_unfaithful_base_is_unfaithful() -> None:
    base = graph_store([(ID.s, ID.p, Literal("0.50", datatype=XSD.decimal))])
    layer = oxstore.layered_store(base, [(ID.t, ID.q, ID.s)], LAYER)
    assert not layer.faithful


# --- loading in the background -------------------------------------------------------


class _SlowStore:
    """Stands for a pyoxigraph store: records the N-Quads it is given, slowly, or fails."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.loaded: list[str] = []

    def bulk_load(self, chunk: str, **_: object) -> None:
        import time

        time.sleep(0.05)
        if self.fail:
            raise ValueError("cannot read that")
        self.loaded.append(chunk)


def test_a_background_load_is_waited_for() -> None:
    store = _SlowStore()
    ds = oxstore.OxDataset(store, oxstore.Converter())
    oxstore._fill(ds, [(ID.s, ID.p, ID.o, None)], background=True)
    oxstore._fill(ds, [(ID.s, ID.q, ID.o, None)], background=True)
    assert ds.store is store
    assert store.loaded == [f"<{ID.s}> <{ID.p}> <{ID.o}> .\n", f"<{ID.s}> <{ID.q}> <{ID.o}> .\n"]
    assert not ds._loading


def test_a_failed_background_load_fails_whoever_reads_the_store() -> None:
    """An error in the loading thread is raised where the store is read, each time;
    the loads begun after it fail with it."""
    ds = oxstore.OxDataset(_SlowStore(fail=True), oxstore.Converter())
    oxstore._fill(ds, [(ID.s, ID.p, ID.o, None)], background=True)
    layer = oxstore.layered_store(ds, [(ID.s, ID.q, ID.o)], LAYER, background=True)
    for reader in (ds, ds, layer):
        with pytest.raises(ValueError, match="cannot read that"):
            reader.store  # noqa: B018


def test_a_load_that_is_not_in_the_background_fails_at_once() -> None:
    ds = oxstore.OxDataset(_SlowStore(fail=True), oxstore.Converter())
    with pytest.raises(ValueError, match="cannot read that"):
        oxstore._fill(ds, [(ID.s, ID.p, ID.o, None)])


def test_a_background_store_holds_what_a_plain_one_does() -> None:
    triples = [(ID.s, ID.p, value) for value in AWKWARD_LITERALS] + [(ID.s, ID.q, BNode())]
    waited = graph_store(triples, background=True)
    plain = graph_store(triples)
    assert len(waited.store) == len(plain.store)
    query = "SELECT ?p ?o WHERE { ?s ?p ?o }"
    assert _rows(waited, query) == _rows(plain, query)


def test_answers_are_the_iri_objects_stored() -> None:
    """A query gives back the IRIs the store was filled with, the objects themselves
    (looked up in the caller's dicts by identity), whether they went in as text or, with
    a blank node beside them, as term objects."""
    subject, other = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    link = URIRef("https://example.org/link")
    store = graph_store([(subject, link, Literal("x")), (other, link, BNode())])
    _, rows = select(store, "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?s")
    assert rows == [(subject, link), (other, link)]
    assert rows[0][0] is subject
    assert rows[1][0] is other
    assert rows[0][1] is link
