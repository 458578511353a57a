"""Test helpers: graphs with many blank nodes, and an isomorphism test of our own.

:func:`tree_form` decides isomorphism for graphs whose blank nodes form trees (each
blank node the object of at most one triple, no cycle), as nested ``[ ]`` and lists
do: a blank node's form is the hash of its sorted (predicate, object form) pairs,
computed bottom-up without recursion. It shares nothing with rdflib's or the
project's canonical labelling, which the tests check against it.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

EX = "http://example.org/"
P, Q = URIRef(EX + "p"), URIRef(EX + "q")
PREFIX = f"@prefix ex: <{EX}> .\n"


def flat_text(count: int) -> str:
    """``count`` statements ``ex:sN ex:p [ ex:q "N" ]``: as many blank nodes."""
    return PREFIX + "".join(f'ex:s{i % 97} ex:p [ ex:q "{i}" ] .\n' for i in range(count))


def nested_text(depth: int) -> str:
    """``ex:s ex:p [ ex:p [ ... "x" ] ]``, ``depth`` blank nodes deep."""
    return PREFIX + "ex:s ex:p " + "[ ex:p " * depth + '"x"' + " ]" * depth + " .\n"


def list_text(count: int) -> str:
    """``ex:s ex:p ( "0" "1" ... )``: a list of ``count`` items."""
    return PREFIX + "ex:s ex:p ( " + " ".join(f'"{i}"' for i in range(count)) + " ) .\n"


def flat_graph(count: int) -> Graph:
    graph = Graph()
    for i in range(count):
        node = BNode()
        graph.add((URIRef(f"{EX}s{i % 97}"), P, node))
        graph.add((node, Q, Literal(str(i))))
    return graph


def list_graph(count: int) -> Graph:
    graph = Graph()
    head = BNode()
    Collection(graph, head, [Literal(str(i)) for i in range(count)])
    graph.add((URIRef(EX + "s"), P, head))
    return graph


def tree_form(graph: Graph) -> Counter[tuple[str, ...]]:
    """The triples of ``graph`` with each blank node replaced by the hash of the tree
    below it; two graphs whose blank nodes form trees are isomorphic iff their forms
    are equal. A blank node that two triples reference is an ``AssertionError``."""
    below: dict[Node, list[tuple[Node, Node]]] = {}
    parents: Counter[Node] = Counter()
    for s, p, o in graph:
        if isinstance(s, BNode):
            below.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            parents[o] += 1
    assert all(count == 1 for count in parents.values()), "not a tree"
    form: dict[Node, str] = {}

    def shown(node: Node) -> str:
        return form[node] if isinstance(node, BNode) else node.n3()

    for start in set(below) | set(parents):
        stack = [(start, False)]
        while stack:
            node, ready = stack.pop()
            if node in form:
                continue
            edges = below.get(node, [])
            if ready:
                pairs = sorted(f"{p.n3()} {shown(o)}" for p, o in edges)
                form[node] = "_:" + hashlib.sha256("\n".join(pairs).encode()).hexdigest()
                continue
            assert len(stack) <= 2 * len(parents) + 2, "a cycle of blank nodes"
            stack.append((node, True))
            stack.extend((o, False) for _, o in edges if isinstance(o, BNode))
    return Counter((shown(s), p.n3(), shown(o)) for s, p, o in graph)
