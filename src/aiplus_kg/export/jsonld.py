"""A deterministic, lossless JSON-LD 1.1 writer for datasets.

rdflib's own JSON-LD writer nests blank nodes into the objects that reference them
and drops the ones that form a cycle (``_:a :p _:b . _:b :p _:a``). This writer
uses the *flattened* shape instead: every subject is a top-level node object with
an ``@id`` (``_:label`` for a blank node) and each object is a reference or a value,
never a nested node, so any graph, cycles included, is written as it is.

The document is one object: an ``@context`` of the project prefixes that the data
uses, and an ``@graph`` holding one object per named graph (``{"@id": <graph>,
"@graph": [...]}``) and the nodes of the default graph, if any. Literals keep their
exact lexical form: a plain string is a JSON string, a tagged string has
``@language``, anything else is ``{"@value": "lexical", "@type": datatype}`` (never a
JSON number, whose lexical form a reader may change). ``rdf:type`` with an IRI
object is written as ``@type``. A property with one value has it bare, with several
a JSON array.

Ordering is fixed (graphs by :func:`~aiplus_kg.load.terms.graph_sort_key`, subjects,
properties and values by their N-Triples form) and blank nodes get canonical labels,
so the bytes depend only on the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.export.canon import canonical_graph, graph_tag
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID, named_graphs
from aiplus_kg.namespaces import PREFIXES, RDF

__all__ = ["Compactor", "jsonld_chunks"]

JsonObject = dict[str, object]


class Compactor:
    """Writes IRIs as ``prefix:local`` with the prefixes of a JSON-LD context.

    A prefix is left out of the context when some IRI of the data has that prefix as
    its scheme (the absolute IRI ``id:x`` would otherwise be read as ``id:`` + ``x``).
    """

    def __init__(self, iris: Iterable[str], prefixes: Mapping[str, str] = PREFIXES) -> None:
        schemes = {iri.partition(":")[0] for iri in iris}
        usable = {p: ns for p, ns in prefixes.items() if p not in schemes}
        self._prefixes = sorted(usable.items(), key=lambda item: -len(item[1]))
        self.used: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        for prefix, namespace in self._prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and not local.startswith("//"):
                    self.used[prefix] = namespace
                    return f"{prefix}:{local}"
        return iri

    def context(self) -> dict[str, str]:
        return dict(sorted(self.used.items()))


def _node_id(node: Node, compact: Compactor) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return compact(str(node))


def _value(node: Node, compact: Compactor) -> object:
    if isinstance(node, Literal):
        if node.language:
            return {"@value": str(node), "@language": node.language}
        if node.datatype is None:
            return str(node)
        return {"@value": str(node), "@type": compact(str(node.datatype))}
    return {"@id": _node_id(node, compact)}


def _nodes(graph: Graph, compact: Compactor) -> dict[str, JsonObject]:
    """The flattened node objects of ``graph`` (canonical, sorted), keyed by ``@id``."""
    nodes: dict[str, JsonObject] = {}
    for subject in sorted(set(graph.subjects()), key=lambda n: n.n3()):
        node: JsonObject = {"@id": _node_id(subject, compact)}
        objects = sorted(graph.predicate_objects(subject), key=lambda po: (po[0].n3(), po[1].n3()))
        types = [o for p, o in objects if p == RDF.type and isinstance(o, URIRef)]
        if types:
            node["@type"] = [compact(str(o)) for o in types]
        for predicate, value in objects:
            if predicate == RDF.type and isinstance(value, URIRef):
                continue
            key = compact(str(predicate))
            values = node.setdefault(key, [])
            assert isinstance(values, list)
            values.append(_value(value, compact))
        for key, values in node.items():
            if isinstance(values, list) and len(values) == 1:
                node[key] = values[0]
        nodes[str(node["@id"])] = node
    return nodes


def _all_iris(graphs: Iterable[Graph]) -> Iterator[str]:
    for graph in graphs:
        yield str(graph.identifier)
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef):
                    yield str(term)
                elif isinstance(term, Literal) and term.datatype is not None:
                    yield str(term.datatype)


def jsonld_chunks(dataset: Dataset) -> Iterator[bytes]:
    """The dataset as one JSON-LD document (UTF-8), see the module docstring."""
    graphs = named_graphs(dataset)
    compact = Compactor(_all_iris(graphs))
    top: dict[str, JsonObject] = {}
    for graph in graphs:
        iri = graph.identifier
        nodes = _nodes(canonical_graph(graph, tag=graph_tag(iri)), compact)
        if iri == DEFAULT_GRAPH_ID:
            for key, node in nodes.items():
                top.setdefault(key, {}).update(node)
        else:
            key = _node_id(iri, compact)
            top.setdefault(key, {"@id": key})["@graph"] = list(nodes.values())
    document = {"@context": compact.context(), "@graph": list(top.values())}
    yield json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    yield b"\n"
