"""Labels with every answer: the label of a term in a language, with fallbacks, and the
label columns added after each column of IRIs (as the Wikidata Query Service's label
service adds ``?xLabel`` after ``?x``)."""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, URIRef

from aiplus_kg.namespaces import ID, RDFS, SKOS, XSD
from aiplus_kg.query.results import (
    Results,
    best_label,
    local_name,
    serialize_results,
    to_csv,
    to_table,
    with_labels,
)

NO_LABEL = URIRef("https://example.org/things#gadget")


def _graph() -> Graph:
    graph = Graph()
    graph.add((ID.huawei, RDFS.label, Literal("Huawei", lang="en")))
    graph.add((ID.huawei, RDFS.label, Literal("Huawei", lang="fr")))
    graph.add((ID.huawei, RDFS.label, Literal("华为", lang="zh")))
    graph.add((ID.gpus, RDFS.label, Literal("NVIDIA GPUs", lang="en")))
    graph.add((ID.gpus, RDFS.label, Literal("GPU NVIDIA", lang="fr")))
    graph.add((ID.only, RDFS.label, Literal("seulement", lang="fr")))
    graph.add((ID.hans, RDFS.label, Literal("简体", lang="zh-Hans")))
    graph.add((ID.hans, RDFS.label, Literal("simplified", lang="en")))
    graph.add((ID.alt, SKOS.altLabel, Literal("other name", lang="en")))
    return graph


def test_the_label_in_the_language_asked_else_another() -> None:
    graph = _graph()
    assert best_label(graph, ID.huawei, "zh") == Literal("华为", lang="zh")
    assert best_label(graph, ID.huawei) == Literal("Huawei", lang="en")
    assert best_label(graph, ID.gpus, "fr") == Literal("GPU NVIDIA", lang="fr")
    assert best_label(graph, ID.gpus, "zh") == Literal("NVIDIA GPUs", lang="en")  # English
    assert best_label(graph, ID.only, "zh") == Literal("seulement", lang="fr")
    assert best_label(graph, ID.hans, "zh") == Literal("简体", lang="zh-Hans")
    assert best_label(graph, ID.alt) == Literal("other name", lang="en")
    assert best_label(graph, NO_LABEL) is None
    assert best_label(graph, Literal("x")) is None


def test_local_names() -> None:
    assert local_name("https://example.org/things#gadget") == "gadget"
    assert local_name("https://w3id.org/aiplus/id/huawei") == "huawei"
    assert local_name("https://w3id.org/aiplus/ontology") == "ontology"
    assert local_name("urn:isbn:123") == "123"


RESULTS = Results(
    ("x", "n", "b"),
    (
        (ID.huawei, Literal("1", datatype=XSD.integer), BNode("a")),
        (NO_LABEL, Literal("2", datatype=XSD.integer), None),
        (None, Literal("3", datatype=XSD.integer), None),
    ),
    ordered=True,
)


def test_a_label_column_after_each_column_of_iris() -> None:
    labelled = with_labels(RESULTS, _graph(), "zh")
    assert labelled.variables == ("x", "xLabel", "n", "b")
    assert [row[1] for row in labelled.rows] == [
        Literal("华为", lang="zh"),
        Literal("gadget"),  # no label: the end of its IRI
        None,
    ]
    assert labelled.ordered


def test_a_label_column_the_query_has_is_left_alone() -> None:
    own = Results(("x", "xLabel"), ((ID.huawei, Literal("mine")),))
    assert with_labels(own, _graph()) == own


def test_label_columns_in_the_machine_formats() -> None:
    graph = _graph()
    assert to_csv(with_labels(RESULTS, graph)).decode().splitlines()[:2] == [
        "x,xLabel,n,b",
        "https://w3id.org/aiplus/id/huawei,Huawei,1,_:b0",
    ]
    data = json.loads(serialize_results(RESULTS, "json", graph, labels=True, lang="fr"))
    assert data["head"]["vars"] == ["x", "xLabel", "n", "b"]
    first = data["results"]["bindings"][0]
    assert first["xLabel"] == {"type": "literal", "value": "Huawei", "xml:lang": "fr"}
    assert b"xLabel" not in serialize_results(RESULTS, "json", graph)


def test_parameters_are_left_out_of_the_machine_formats() -> None:
    results = Results(("_chip_iri", "x"), ((ID.gpus, ID.huawei),))
    fixed = {"_chip_iri": ID.gpus}
    for fmt in ("csv", "tsv", "json", "xml"):
        written = serialize_results(results, fmt, _graph(), fixed=fixed, labels=True)
        assert b"_chip_iri" not in written
        assert b"xLabel" in written
    assert results.without(["_chip_iri"]).variables == ("x",)
    assert results.without(["nope"]) is results


def test_the_table_with_labels() -> None:
    results = Results(("_chip_iri", "x"), ((ID.gpus, ID.huawei),))
    text = to_table(results, _graph(), labels=True, fixed={"_chip_iri": ID.gpus})
    lines = text.splitlines()
    assert lines[0] == "chip: id:gpus (NVIDIA GPUs)"
    assert lines[1].split() == ["x", "xLabel"]
    assert lines[3].split() == ["id:huawei", "Huawei"]
    plain = to_table(results, _graph(), lang="zh", fixed={"_chip_iri": ID.gpus})
    assert plain.splitlines()[3] == "华为"
