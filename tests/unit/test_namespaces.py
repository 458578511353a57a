from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from aiplus_kg.namespaces import (
    AIP,
    ID,
    ONTOLOGY_GRAPH,
    PREFIXES,
    REFERENCE_GRAPH,
    SRC,
    article_graph_iri,
    bind_prefixes,
    curie,
    expand_curie,
    sparql_prologue,
)


def test_project_namespaces() -> None:
    assert PREFIXES["aip"] == "https://w3id.org/aiplus/ontology#"
    assert PREFIXES["id"] == "https://w3id.org/aiplus/id/"
    assert PREFIXES["src"] == "https://w3id.org/aiplus/source/"
    assert PREFIXES["aipg"] == "https://w3id.org/aiplus/graph/"
    assert PREFIXES["org"] == "http://www.w3.org/ns/org#"
    assert PREFIXES["schema"] == "https://schema.org/"
    assert PREFIXES["time"] == "http://www.w3.org/2006/time#"
    assert URIRef("https://w3id.org/aiplus/ontology") == ONTOLOGY_GRAPH
    assert URIRef("https://w3id.org/aiplus/graph/reference") == REFERENCE_GRAPH
    assert article_graph_iri("000-fa0972a5f4bf42df") == SRC["000-fa0972a5f4bf42df"]


def test_curie_round_trip() -> None:
    assert curie(str(ID.huawei)) == "id:huawei"
    assert curie(str(AIP.Chip)) == "aip:Chip"
    assert curie(str(SRC["000-abc"])) == "src:000-abc"
    assert curie("http://example.org/x") == "http://example.org/x"
    assert curie(str(ONTOLOGY_GRAPH)) == str(ONTOLOGY_GRAPH)
    assert expand_curie("id:huawei") == ID.huawei
    assert expand_curie("nope:huawei") is None
    assert expand_curie("https://example.org/") is None
    assert expand_curie("Huawei") is None


def test_sparql_prologue_declares_every_prefix() -> None:
    query = prepareQuery(sparql_prologue() + "SELECT ?x WHERE { ?x a aip:Chip ; aip:x id:y }")
    assert query is not None
    assert sparql_prologue().count("PREFIX ") == len(PREFIXES)


def test_bind_prefixes() -> None:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    bound = {p: str(n) for p, n in graph.namespaces()}
    assert bound == dict(PREFIXES)
