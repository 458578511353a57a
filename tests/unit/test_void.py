"""The VoID and DCAT description of the dataset (``aiplus describe-dataset``)."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from aiplus_kg.errors import InputError
from aiplus_kg.export.void import (
    DATASET_IRI,
    SD,
    VOID_GRAPH,
    describe_dataset,
    serialize_description,
)
from aiplus_kg.load.dataset import load
from aiplus_kg.load.terms import named_graphs
from aiplus_kg.namespaces import DCAT, DCTERMS, ID, RDF, RDFS, SRC, VOID, XSD
from aiplus_kg.views.stats import compute_stats
from tests.query_support import project_dataset
from tests.support import MINI

ENDPOINT = "http://127.0.0.1:7878/sparql"


@pytest.fixture(scope="module")
def description() -> Graph:
    return describe_dataset(project_dataset())


def _count(graph: Graph, subject: URIRef, prop: URIRef) -> int:
    value = graph.value(subject, prop)
    assert isinstance(value, Literal), (subject, prop)
    assert value.datatype == XSD.integer
    return int(value)


def _partitions(graph: Graph, kind: URIRef, key: URIRef) -> dict[URIRef, URIRef]:
    return {graph.value(p, key): p for p in graph.objects(DATASET_IRI, kind)}  # type: ignore[misc]


def _check_counts(dataset: Dataset, description: Graph) -> None:
    graphs = named_graphs(dataset)
    union = set()
    for graph in graphs:
        union.update(graph)
    stats = compute_stats(dataset)
    assert _count(description, DATASET_IRI, VOID.triples) == len(union) == stats.union_triples

    # per class: the entities of `aiplus stats` (the articles' and the ontology's
    # bookkeeping, which stats shows apart), and the triples about them
    every_class = [*stats.classes, *stats.ontology.terms]
    classes = _partitions(description, VOID.classPartition, VOID["class"])
    assert {str(c) for c in classes} == {c.cls for c in every_class}
    for entry in every_class:
        partition = classes[URIRef(entry.cls)]
        assert _count(description, partition, VOID.entities) == entry.entities, entry.cls
        members = {s for s, p, o in union if p == RDF.type and o == URIRef(entry.cls)}
        about = sum(1 for s, _p, _o in union if s in members)
        assert _count(description, partition, VOID.triples) == about, entry.cls
    assert _count(description, DATASET_IRI, VOID.classes) == len(every_class)

    # per property
    per_property = Counter(p for _, p, _ in union)
    properties = _partitions(description, VOID.propertyPartition, VOID.property)
    assert set(properties) == set(per_property)
    for prop, count in per_property.items():
        assert _count(description, properties[prop], VOID.triples) == count, prop
    assert _count(description, DATASET_IRI, VOID.properties) == len(per_property)

    # per named graph
    subsets = {
        description.value(s, SD.name): s for s in description.objects(DATASET_IRI, VOID.subset)
    }
    assert set(subsets) == {g.identifier for g in graphs}
    for graph in graphs:
        assert _count(description, subsets[graph.identifier], VOID.triples) == len(graph)

    entities = {s for s, _, _ in union if isinstance(s, URIRef) and s.startswith(str(ID))}
    assert _count(description, DATASET_IRI, VOID.entities) == len(entities)
    assert _count(description, DATASET_IRI, VOID.distinctSubjects) == len({s for s, _, _ in union})
    assert _count(description, DATASET_IRI, VOID.distinctObjects) == len({o for _, _, o in union})


def test_counts_equal_the_graphs(description: Graph) -> None:
    _check_counts(project_dataset(), description)


def test_counts_of_the_mini_project() -> None:
    dataset = load(MINI).dataset
    _check_counts(dataset, describe_dataset(dataset))


def test_dataset_metadata(description: Graph) -> None:
    dataset = project_dataset()
    ds = DATASET_IRI
    assert {VOID.Dataset, DCAT.Dataset} <= set(description.objects(ds, RDF.type))
    titles = {t.language for t in description.objects(ds, DCTERMS.title)}
    assert titles == {"en", "fr"}
    assert description.value(ds, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    sources = set(description.objects(ds, DCTERMS.source))
    articles = {g.identifier for g in named_graphs(dataset) if g.identifier.startswith(str(SRC))}
    assert sources == articles
    assert len(sources) == 5
    for source in sources:
        assert set(description.objects(source, RDFS.label)) == set(
            dataset.objects(source, RDFS.label)
        )
    vocabularies = {str(v) for v in description.objects(ds, VOID.vocabulary)}
    assert {
        "https://w3id.org/aiplus/ontology#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2004/02/skos/core#",
    } <= vocabularies
    assert not any(v.startswith(("https://w3id.org/aiplus/id/", str(SRC))) for v in vocabularies)
    examples = list(description.objects(ds, VOID.exampleResource))
    assert len(examples) == 3
    assert all((e, None, None) in dataset for e in examples)
    assert ID["china"] in examples
    assert description.value(ds, VOID.sparqlEndpoint) is None
    assert not any(isinstance(t, BNode) for triple in description for t in triple)


def test_endpoint() -> None:
    description = describe_dataset(project_dataset(), endpoint=ENDPOINT)
    url = URIRef(ENDPOINT)
    assert description.value(DATASET_IRI, VOID.sparqlEndpoint) == url
    service = description.value(predicate=DCAT.servesDataset, object=DATASET_IRI)
    assert service is not None
    assert (service, RDF.type, DCAT.DataService) in description
    assert description.value(service, DCAT.endpointURL) == url
    distribution = description.value(DATASET_IRI, DCAT.distribution)
    assert description.value(distribution, DCAT.accessService) == service
    for bad in ["ftp://x", "not a url", "http://a b"]:
        with pytest.raises(InputError, match="--endpoint"):
            describe_dataset(project_dataset(), endpoint=bad)


def test_its_own_graph_is_left_out_of_the_counts(description: Graph) -> None:
    dataset = load(MINI).dataset
    first = describe_dataset(dataset)
    target = dataset.graph(VOID_GRAPH)
    target.addN((s, p, o, target) for s, p, o in first)
    assert isomorphic(describe_dataset(dataset), first)


@pytest.mark.parametrize(
    ("fmt", "parse_as"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_serializations_round_trip_and_are_stable(
    description: Graph, fmt: str, parse_as: str
) -> None:
    data = serialize_description(description, fmt)
    assert data == serialize_description(describe_dataset(project_dataset()), fmt)
    assert isomorphic(Graph().parse(data=data.decode("utf-8"), format=parse_as), description)
