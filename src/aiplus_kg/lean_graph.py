"""A lighter in-memory rdflib graph for the data pySHACL checks.

rdflib's default ``Memory`` store keeps, for every triple, the set of graphs holding it;
for a plain graph that costs several times the memory of the triples themselves and
slows every look-up. ``SimpleMemory`` keeps the triples only, but pySHACL wraps its data
graph in an rdflib ``Dataset``, which wants a store that says it knows about graphs.
:class:`LeanMemory` is ``SimpleMemory`` that says so (it holds a single graph) and that
counts its triples instead of walking them for ``len``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

__all__ = ["LeanMemory", "lean_graph"]


class LeanMemory(SimpleMemory):
    """``SimpleMemory`` for a single graph, acceptable as a pySHACL data graph."""

    context_aware = True
    graph_aware = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._size: int | None = 0

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        super().add(triple, context, quoted)
        self._size = None

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        super().remove(triple_pattern, context)
        self._size = None

    def __len__(self, context: Any = None) -> int:
        if self._size is None:
            self._size = sum(1 for _ in self.triples((None, None, None)))
        return self._size

    def load(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add ``triples`` straight into the three indexes: what :meth:`add` does for
        each, without rdflib's per-triple checks and calls (several times faster).
        The triples come from this package, so their terms are rdflib nodes already."""
        spo: dict[Any, Any] = self._SimpleMemory__spo  # type: ignore[attr-defined]
        pos: dict[Any, Any] = self._SimpleMemory__pos  # type: ignore[attr-defined]
        osp: dict[Any, Any] = self._SimpleMemory__osp  # type: ignore[attr-defined]
        for s, p, o in triples:
            _put(spo, s, p, o)
            _put(pos, p, o, s)
            _put(osp, o, s, p)
        self._size = None

    def contexts(self, triple: Any = None) -> Iterable[Any]:
        return iter(())

    def add_graph(self, graph: Any) -> None:
        """Graphs are not kept apart: nothing to do."""

    def remove_graph(self, graph: Any) -> None:
        """Graphs are not kept apart: nothing to do."""


def _put(index: dict[Any, Any], a: Node, b: Node, c: Node) -> None:
    """``index[a][b][c] = 1``, creating the inner dictionaries when missing."""
    inner = index.get(a)
    if inner is None:
        index[a] = {b: {c: 1}}
        return
    leaf = inner.get(b)
    if leaf is None:
        inner[b] = {c: 1}
    else:
        leaf[c] = 1


def lean_graph(triples: Iterable[tuple[Node, Node, Node]], like: Graph | None = None) -> Graph:
    """A graph on :class:`LeanMemory` holding ``triples``, with the prefixes of ``like``."""
    graph = Graph(store=LeanMemory(), bind_namespaces="none")
    if like is not None:
        for prefix, namespace in like.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
    store = graph.store
    if all(hasattr(store, f"_SimpleMemory__{index}") for index in ("spo", "pos", "osp")):
        store.load(triples)  # type: ignore[attr-defined]
    else:  # an rdflib whose SimpleMemory is laid out otherwise
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph
