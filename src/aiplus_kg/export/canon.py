"""Canonical forms of graphs: stable blank-node labels and sorted N-Triples lines.

Blank nodes get fresh random identifiers each time a file is parsed; a canonical
copy relabels them from the graph's structure (rdflib's ``to_canonical_graph``), so
that serializing the same graph gives the same bytes on every run.
"""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

__all__ = ["canonical_graph", "canonical_lines", "graph_tag", "ntriples_lines"]


def graph_tag(identifier: Node) -> str:
    """A short, stable blank-node label prefix for the named graph ``identifier``."""
    return "g" + hashlib.sha256(str(identifier).encode("utf-8")).hexdigest()[:10]


def canonical_graph(graph: Graph, *, tag: str = "", target: Graph | None = None) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels, prefixed by ``tag``.

    Triples are added in sorted order, so iteration order is stable too. The copy
    goes into ``target`` when given (it should be empty), else into a new graph.
    """
    out = target if target is not None else Graph(bind_namespaces="none")
    source = to_canonical_graph(graph) if any(_has_bnode(t) for t in graph) else graph

    def relabel(node: Node) -> Node:
        return BNode(f"{tag}{node}") if isinstance(node, BNode) else node

    triples = sorted(
        ((relabel(s), relabel(p), relabel(o)) for s, p, o in source),
        key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()),
    )
    for triple in triples:
        out.add(triple)
    return out


def _has_bnode(triple: tuple[Node, Node, Node]) -> bool:
    return any(isinstance(node, BNode) for node in triple)


def ntriples_lines(graph: Graph) -> list[str]:
    """The N-Triples lines of ``graph`` (canonical blank nodes assumed), sorted, unique."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    # split on LF only: str.splitlines would also cut at U+2028, U+0085, ... that
    # N-Triples writes unescaped inside literals
    return sorted({line for line in text.split("\n") if line.strip()})


def canonical_lines(graph: Graph, *, tag: str = "") -> list[str]:
    """The sorted, unique N-Triples lines of :func:`canonical_graph` of ``graph``.

    A graph without blank nodes is written as it is: relabelling would change nothing,
    and copying it (the bulk of an export's time) would not change the sorted lines."""
    if any(_has_bnode(t) for t in graph):
        return ntriples_lines(canonical_graph(graph, tag=tag))
    return ntriples_lines(graph)
