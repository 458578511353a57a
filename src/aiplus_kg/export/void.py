"""The dataset description: VoID and DCAT, built from the graph itself.

:func:`describe_dataset` returns a graph describing the dataset as a ``void:Dataset``
and a ``dcat:Dataset``: its title, description, licence, keywords and sources (the
articles), the vocabularies its statements use, its size (triples, entities, classes,
properties, distinct subjects and objects), one subset per named graph with its triple
count, one class partition per class (entities, and triples about them) and one
property partition per property, a few example resources, and, when the dataset is
served, its SPARQL endpoint (``void:sparqlEndpoint`` and a ``dcat:DataService``).

Counts cover every named graph of the dataset except :data:`VOID_GRAPH`, the graph
this description goes to in an export, so that describing an exported dataset gives
the same counts. Every resource of the description has an IRI (no blank nodes), so
its serialisations are the same from run to run.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.defaults import DESCRIPTION_FORMATS
from aiplus_kg.errors import InputError
from aiplus_kg.export.fmt import to_turtle
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID, graph_sort_key, label
from aiplus_kg.namespaces import (
    AIPG,
    DCAT,
    DCTERMS,
    ID,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF,
    RDFS,
    REFERENCE_GRAPH,
    SRC,
    VOID,
    XSD,
    bind_prefixes,
    curie,
)

__all__ = [
    "DATASET_IRI",
    "FORMATS",
    "SD",
    "VOID_GRAPH",
    "describe_dataset",
    "serialize_description",
    "write_description",
]

DATASET_IRI = URIRef("https://w3id.org/aiplus/dataset")
"""The IRI of the dataset the description is about."""

VOID_GRAPH = AIPG["void"]
"""The named graph holding the description in an export."""

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
EXAMPLES = 3
FORMATS = DESCRIPTION_FORMATS

TITLES = (
    Literal('aiplus-kg: a knowledge graph of China\'s "AI+" strategy', lang="en"),
    Literal(
        "aiplus-kg : un graphe de connaissances de la stratégie « IA+ » de la Chine", lang="fr"
    ),
)
DESCRIPTION = Literal(
    "The actors, plans, policy documents, chips, AI models, infrastructure, amounts, "
    'goals and remarks of China\'s "AI+" strategy as five French news articles report '
    "them. Each fact sits in the named graph of the article stating it; what an article "
    "only reports, proposes or rumours carries a hedge.",
    lang="en",
)
KEYWORDS = ("AI+", "China", "artificial intelligence", "AI policy", "knowledge graph")


def _identifier(graph: object) -> URIRef:
    return URIRef(str(getattr(graph, "identifier", graph)))


def _graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty named graphs, the description's own graph left out."""
    skipped = (VOID_GRAPH, DEFAULT_GRAPH_ID)
    graphs = [g for g in dataset.graphs() if len(g) > 0 and _identifier(g) not in skipped]
    return sorted(graphs, key=lambda g: graph_sort_key(_identifier(g)))


def _union(graphs: list[Graph]) -> Graph:
    union = Graph(bind_namespaces="none")
    for graph in graphs:
        union += graph
    return union


def _subset_iri(graph: URIRef) -> URIRef:
    if graph == ONTOLOGY_GRAPH:
        name = "ontology"
    elif graph == REFERENCE_GRAPH:
        name = "reference"
    elif graph.startswith(str(SRC)):
        name = graph[len(str(SRC)) :]
    else:
        name = curie(str(graph)).replace(":", "-").replace("/", "-")
    return URIRef(f"{DATASET_IRI}/graph/{name}")


def _term_slug(term: URIRef) -> str:
    short = curie(str(term))
    if short == str(term):
        return "".join(c if c.isalnum() else "-" for c in str(term)).strip("-")
    return short.replace(":", "-")


def _namespace(term: URIRef) -> str | None:
    """The project prefix namespace ``term`` is in (the longest that fits)."""
    best = None
    for namespace in PREFIXES.values():
        if term.startswith(namespace) and (best is None or len(namespace) > len(best)):
            best = namespace
    return best


def _vocabularies(union: Graph) -> list[URIRef]:
    """The namespaces of the properties and classes used, entities' and sources' left out."""
    own = {str(ID), str(SRC), str(AIPG)}
    terms = set(union.predicates()) | set(union.objects(None, RDF.type))
    found = {_namespace(t) for t in terms if isinstance(t, URIRef)}
    return sorted(URIRef(ns) for ns in found if ns is not None and ns not in own)


def _examples(union: Graph) -> list[URIRef]:
    """The entities (``id:``) appearing in the most statements; ties by IRI."""
    counts: Counter[URIRef] = Counter()
    for s, _, o in union:
        for term in (s, o):
            if isinstance(term, URIRef) and term.startswith(str(ID)):
                counts[term] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [term for term, _ in ranked[:EXAMPLES]]


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _check_endpoint(endpoint: str) -> URIRef:
    text = endpoint.strip()
    if not text.startswith(("http://", "https://")) or any(c.isspace() for c in text):
        raise InputError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
    return URIRef(text)


def describe_dataset(dataset: Dataset, *, endpoint: str | None = None) -> Graph:
    """The VoID and DCAT description of ``dataset`` (see the module docstring).

    ``endpoint`` is the URL of the SPARQL endpoint serving the dataset, if any.
    """
    graphs = _graphs(dataset)
    union = _union(graphs)
    out = bind_prefixes(Graph(bind_namespaces="none"))
    out.bind("sd", SD)
    ds = DATASET_IRI

    out.add((ds, RDF.type, VOID.Dataset))
    out.add((ds, RDF.type, DCAT.Dataset))
    for title in TITLES:
        out.add((ds, DCTERMS.title, title))
    out.add((ds, DCTERMS.description, DESCRIPTION))
    out.add((ds, DCTERMS.license, LICENCE))
    for keyword in KEYWORDS:
        out.add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    out.add((ds, VOID.uriSpace, Literal(str(ID))))
    for vocabulary in _vocabularies(union):
        out.add((ds, VOID.vocabulary, vocabulary))

    # sources: the articles, with their labels
    for graph in graphs:
        iri = _identifier(graph)
        if iri.startswith(str(SRC)):
            out.add((ds, DCTERMS.source, iri))
            for value in dataset.objects(iri, RDFS.label):
                out.add((iri, RDFS.label, value))

    # sizes
    entities = {s for s in union.subjects() if isinstance(s, URIRef) and s.startswith(str(ID))}
    typed: dict[Node, set[Node]] = defaultdict(set)
    for subject, cls in union.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            typed[cls].add(subject)
    per_subject: Counter[Node] = Counter(s for s, _, _ in union)
    per_property: Counter[Node] = Counter(p for _, p, _ in union)
    out.add((ds, VOID.triples, _int(len(union))))
    out.add((ds, VOID.entities, _int(len(entities))))
    out.add((ds, VOID.classes, _int(len(typed))))
    out.add((ds, VOID.properties, _int(len(per_property))))
    out.add((ds, VOID.distinctSubjects, _int(len(per_subject))))
    out.add((ds, VOID.distinctObjects, _int(len(set(union.objects())))))

    # one subset per named graph
    for graph in graphs:
        iri = _identifier(graph)
        subset = _subset_iri(iri)
        out.add((ds, VOID.subset, subset))
        out.add((subset, RDF.type, VOID.Dataset))
        out.add((subset, SD.name, iri))
        out.add((subset, VOID.triples, _int(len(graph))))
        if iri.startswith(str(SRC)):
            out.add((subset, DCTERMS.source, iri))

    # one partition per class and per property
    for cls, members in typed.items():
        partition = URIRef(f"{DATASET_IRI}/class/{_term_slug(URIRef(str(cls)))}")
        out.add((ds, VOID.classPartition, partition))
        out.add((partition, VOID["class"], cls))
        out.add((partition, VOID.entities, _int(len(members))))
        out.add((partition, VOID.triples, _int(sum(per_subject[m] for m in members))))
    for prop, count in per_property.items():
        partition = URIRef(f"{DATASET_IRI}/property/{_term_slug(URIRef(str(prop)))}")
        out.add((ds, VOID.propertyPartition, partition))
        out.add((partition, VOID.property, prop))
        out.add((partition, VOID.triples, _int(count)))

    for example in _examples(union):
        out.add((ds, VOID.exampleResource, example))
        name = label(dataset, example)
        if name is not None:
            out.add((example, RDFS.label, Literal(name, lang="en")))

    if endpoint is not None:
        url = _check_endpoint(endpoint)
        service = URIRef(f"{DATASET_IRI}/service/sparql")
        distribution = URIRef(f"{DATASET_IRI}/distribution/sparql")
        out.add((ds, VOID.sparqlEndpoint, url))
        out.add((ds, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCAT.accessURL, url))
        out.add((distribution, DCAT.accessService, service))
        out.add((service, RDF.type, DCAT.DataService))
        out.add((service, DCAT.endpointURL, url))
        out.add((service, DCAT.servesDataset, ds))
        out.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    return out


def _sorted_json(value: object) -> object:
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _ntriples(graph: Graph) -> Iterator[str]:
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    yield from sorted(line for line in data.splitlines() if line.strip())


def serialize_description(graph: Graph, fmt: str) -> bytes:
    """``graph`` (from :func:`describe_dataset`) as ``ttl``, ``nt`` or ``jsonld``, the
    same bytes from run to run."""
    if fmt == "ttl":
        return to_turtle(graph, [("sd", str(SD))]).encode("utf-8")
    if fmt == "nt":
        return "".join(f"{line}\n" for line in _ntriples(graph)).encode("utf-8")
    if fmt == "jsonld":
        context = {p: ns for p, ns in PREFIXES.items() if p not in ("sh",)}
        context["sd"] = str(SD)
        data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        return (json.dumps(_sorted_json(data), ensure_ascii=False, indent=2) + "\n").encode()
    raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def write_description(graph: Graph, fmt: str, out: Path | BinaryIO) -> None:
    """Write ``graph`` as ``fmt`` to the file ``out`` (atomically) or the stream ``out``."""
    data = serialize_description(graph, fmt)
    if isinstance(out, Path):
        atomic_write(out, data)
        return
    out.write(data)
    out.flush()
