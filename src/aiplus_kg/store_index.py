"""Look-ups on the fast engine's store that are read once and kept with it.

Resolving a label, or an article by its stem or number, reads the whole store: every
label, every named graph. On an rdflib dataset that is a walk over Python objects; on
the store (:class:`aiplus_kg.oxstore.GraphView`) it would mean converting every label to
an rdflib term on each call. Here the store is read once, its terms as pyoxigraph gives
them, and what was read is kept beside the store (:class:`aiplus_kg.oxstore.OxDataset`),
as long as the store lives: a store is not changed once built, and a view is read-only.

* :func:`label_index`: each label of the store (any of
  :data:`aiplus_kg.load.terms.LABEL_PROPERTIES`, any language, on an IRI), normalized by
  :func:`aiplus_kg.load.resolve.normalize_label`, with the IRIs it names;
* :func:`store_graphs`: the IRIs of the non-empty named graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rdflib import Graph, URIRef

from aiplus_kg.load.terms import LABEL_PROPERTIES

if TYPE_CHECKING:  # pyoxigraph is imported when a store is read, not before
    import pyoxigraph as ox

    from aiplus_kg.oxstore import GraphView, OxDataset

__all__ = ["LabelIndex", "as_view", "label_index", "store_graphs"]


class LabelIndex:
    """The normalized labels of a store and the IRIs each one names.

    Most labels name one IRI: it is kept alone, and the few labels naming several keep
    them in a set beside it.
    """

    def __init__(self) -> None:
        self._first: dict[str, str] = {}
        self._more: dict[str, set[str]] = {}

    def add(self, key: str, iri: str) -> None:
        """Record that the normalized label ``key`` names ``iri``."""
        seen = self._first.setdefault(key, iri)
        if seen != iri:
            self._more.setdefault(key, {seen}).add(iri)

    def find(self, key: str) -> list[URIRef]:
        """The IRIs the normalized label ``key`` names, sorted."""
        many = self._more.get(key)
        if many is not None:
            return [URIRef(iri) for iri in sorted(many)]
        one = self._first.get(key)
        return [] if one is None else [URIRef(one)]

    def keys(self) -> Iterator[str]:
        """Every normalized label."""
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)


_LABELS: WeakKeyDictionary[OxDataset, LabelIndex] = WeakKeyDictionary()
_GRAPHS: WeakKeyDictionary[OxDataset, frozenset[URIRef]] = WeakKeyDictionary()


def as_view(source: object) -> GraphView | None:
    """``source`` if it is the fast engine's view of a store, else ``None`` (an rdflib
    graph or dataset, told apart without importing pyoxigraph's side of the package)."""
    if isinstance(source, Graph):
        return None
    from aiplus_kg.oxstore import GraphView

    return source if isinstance(source, GraphView) else None


def _read_labels(store: ox.Store, normalize: Callable[[str], str]) -> LabelIndex:
    import pyoxigraph as ox

    index = LabelIndex()
    default = ox.DefaultGraph()
    for prop in LABEL_PROPERTIES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(prop)), None, default):
            subject, value = quad.subject, quad.object
            if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal):
                index.add(normalize(value.value), subject.value)
    return index


def label_index(view: GraphView) -> LabelIndex:
    """The labels of ``view``'s store (its default graph, the merge of the named graphs),
    read on the first call and kept with the store."""
    found = _LABELS.get(view.ds)
    if found is None:
        from aiplus_kg.load.resolve import normalize_label

        found = _LABELS[view.ds] = _read_labels(view.ds.store, normalize_label)
    return found


def store_graphs(view: GraphView) -> frozenset[URIRef]:
    """The IRIs of the non-empty named graphs of ``view``'s store (what
    :func:`aiplus_kg.query.catalogue.dataset_graphs` gives for a dataset), read on the first
    call and kept with the store."""
    found = _GRAPHS.get(view.ds)
    if found is None:
        found = frozenset(URIRef(str(g.identifier)) for g in view.graphs() if len(g) > 0)
        _GRAPHS[view.ds] = found
    return found
