"""Small read-only views over a dataset: the union, named graphs, labels, display names,
and the nodes reached along links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeAlias

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.namespaces import (
    ONTOLOGY_GRAPH,
    RDFS,
    REFERENCE_GRAPH,
    SKOS,
    SRC,
    XSD,
    bind_prefixes,
    curie,
)

__all__ = [
    "DEFAULT_GRAPH_ID",
    "LABEL_PROPERTIES",
    "Triple",
    "TripleSource",
    "display",
    "graph_name",
    "graph_sort_key",
    "label",
    "named_graphs",
    "reachable",
    "term_text",
    "union_graph",
]

Triple: TypeAlias = tuple[Node, Node, Node]


class TripleSource(Protocol):
    """Where labels and names are looked up: an rdflib graph or dataset, or the fast
    engine's store (:class:`aiplus_kg.load.store.Store`), which answers the same
    look-ups on its default graph."""

    def objects(
        self, subject: Node | None = None, predicate: Node | None = None
    ) -> Iterable[Node]: ...

    def subject_objects(self, predicate: Node | None = None) -> Iterable[tuple[Node, Node]]: ...

    def __contains__(self, triple: tuple[Node | None, Node | None, Node | None]) -> bool: ...


LABEL_PROPERTIES: tuple[URIRef, ...] = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
"""Properties whose values name an entity, in order of preference."""

DEFAULT_GRAPH_ID = URIRef("urn:x-rdflib:default")

BARE_DATATYPES = frozenset({XSD.integer, XSD.decimal, XSD.double, XSD.boolean})
"""Datatypes whose literals are shown without quotes, as Turtle allows."""


def union_graph(source: Graph) -> Graph:
    """A plain graph holding every distinct triple of ``source`` (a graph or a dataset)."""
    union = bind_prefixes(Graph(bind_namespaces="none"))
    union += source.triples((None, None, None))
    return union


def graph_sort_key(iri: Node) -> tuple[int, str]:
    """Ontology first, then reference data, then the articles, then anything else."""
    if iri == ONTOLOGY_GRAPH:
        rank = 0
    elif iri == REFERENCE_GRAPH:
        rank = 1
    elif isinstance(iri, URIRef) and iri.startswith(str(SRC)):
        rank = 2
    else:
        rank = 3
    return rank, str(iri)


def named_graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty graphs of ``dataset`` in a stable order (see :func:`graph_sort_key`)."""
    graphs = [g for g in dataset.graphs() if len(g) > 0]
    return sorted(graphs, key=lambda g: graph_sort_key(g.identifier))


def graph_name(iri: Node) -> str:
    """A short name for a named graph: ``ontology``, ``reference`` or ``src:<stem>``."""
    if iri == ONTOLOGY_GRAPH:
        return "ontology"
    if iri == REFERENCE_GRAPH:
        return "reference"
    if iri == DEFAULT_GRAPH_ID:
        return "default"
    return curie(str(iri))


def label(graph: TripleSource, node: Node, lang: str = "en") -> str | None:
    """The best label of ``node``: ``lang`` first, then untagged, then French, then any."""
    if not isinstance(node, URIRef | BNode):
        return None
    found: list[Literal] = []
    for prop in LABEL_PROPERTIES:
        found.extend(v for v in graph.objects(node, prop) if isinstance(v, Literal))
        if found:
            break
    if not found:
        return None
    for wanted in (lang, None, "fr"):
        matches = sorted(str(v) for v in found if v.language == wanted)
        if matches:
            return matches[0]
    return sorted(str(v) for v in found)[0]


def term_text(node: Node) -> str:
    """A compact spelling of a term: a CURIE, ``<iri>``, ``_:id`` or a quoted literal."""
    if isinstance(node, URIRef):
        short = curie(str(node))
        return short if short != str(node) else f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype in BARE_DATATYPES:
            return str(node)
        text = f'"{node}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype:
            return f"{text}^^{term_text(node.datatype)}"
        return text
    return node.n3()


def display(graph: TripleSource, node: Node, lang: str = "en") -> str:
    """``Label (curie)`` for a named term, or its compact spelling when it has no label."""
    name = label(graph, node, lang)
    if name is None:
        return term_text(node)
    return f"{name} ({term_text(node)})"


def reachable(starts: Iterable[Node], links: Mapping[Node, set[Node]]) -> set[Node]:
    """The ``starts`` and every node reached from them along ``links``."""
    found = set(starts)
    stack = list(found)
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found
