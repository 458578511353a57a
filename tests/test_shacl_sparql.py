from __future__ import annotations

from rdflib import Literal, URIRef

from aiplus_kg.oxstore import graph_store, select
from aiplus_kg.shacl_sparql import PassStores

EX = "urn:x:"
TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _t(s: str, p: str, o: object) -> tuple:
    return URIRef(EX + s), URIRef(EX + p), o if isinstance(o, Literal) else URIRef(EX + str(o))


ASSERTED = {_t("a", "p", "b"), _t("a", "name", Literal("A", lang="en")), _t("x", "p", "y")}
CLOSURE = {
    _t("a", "p", "b"),
    _t("a", "name", Literal("A", lang="en")),
    (URIRef(EX + "a"), TYPE, URIRef(EX + "C")),
}
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def _alone(triples: set) -> list:
    found = select(graph_store(triples), QUERY)
    assert not isinstance(found, bool)
    return found[1]


def test_each_pass_sees_exactly_its_own_triples() -> None:
    stores = PassStores(set(CLOSURE), set(ASSERTED))
    closure, asserted = stores.select("closure"), stores.select("asserted")
    assert closure is not None
    assert asserted is not None
    assert closure(QUERY)[1] == _alone(CLOSURE)
    assert asserted(QUERY)[1] == _alone(ASSERTED)  # x p y: asserted, not in the closure


def test_a_literal_pyoxigraph_would_change_leaves_the_passes_to_rdflib() -> None:
    xsd_string = URIRef("http://www.w3.org/2001/XMLSchema#string")
    odd = {_t("a", "name", Literal("A", datatype=xsd_string))}  # pyoxigraph drops the type
    stores = PassStores(set(CLOSURE) | odd, set(ASSERTED))
    assert stores.select("closure") is None
    assert stores.select("asserted") is None
