"""One pyoxigraph store for the SPARQL of both validation passes.

Validation checks the shapes twice: on the closure and on the asserted triples (see
:func:`aiplus_kg.validation.split_shapes`). The asserted triples are nearly all in the
closure, so copying each pass's triples into a store of its own converts and stores
most triples twice. :class:`PassStores` stores them once, in three disjoint graphs:

* the default graph: the triples of both passes;
* ``INFERRED``: the closure's other triples;
* ``ASSERTED_ONLY``: the asserted triples the closure lacks (none, usually).

A pass's queries then take the merge of its two graphs as their default graph. The
store is built at the first query; when some literal would not cross to pyoxigraph
unchanged (see :attr:`aiplus_kg.oxstore.OxDataset.faithful`) it is not used, and each
pass queries its own triples with rdflib, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib.term import Node

__all__ = ["ASSERTED_ONLY", "INFERRED", "PassStores", "Select"]

Triple = tuple[Node, Node, Node]
Select = Callable[[str], tuple[tuple[str, ...], list[tuple[Node | None, ...]]]]

INFERRED = "urn:x-aiplus-validation:inferred"
ASSERTED_ONLY = "urn:x-aiplus-validation:asserted-only"


class PassStores:
    """The triples of the closure pass and of the asserted pass, stored once."""

    def __init__(self, closure: set[Triple], asserted: set[Triple]) -> None:
        self._parts: tuple[set[Triple], set[Triple]] | None = (closure, asserted)
        self._store: Any = None
        self._usable: bool | None = None

    def _built(self) -> bool:
        if self._usable is None:
            from .oxstore import partitioned_store

            assert self._parts is not None
            closure, asserted = self._parts
            self._parts = None  # the store holds them from now on
            self._store = partitioned_store(
                {
                    None: closure & asserted,
                    INFERRED: closure - asserted,
                    ASSERTED_ONLY: asserted - closure,
                }
            )
            self._usable = bool(self._store.faithful)
            if not self._usable:
                self._store = None
        return self._usable

    def select(self, kind: str) -> Select | None:
        """The SELECT runner of the pass ``kind`` (``closure`` or ``asserted``), or
        ``None`` when pyoxigraph cannot hold the triples exactly."""
        if not self._built():
            return None
        import pyoxigraph as ox

        from .oxstore import select

        other = INFERRED if kind == "closure" else ASSERTED_ONLY
        graphs = [ox.DefaultGraph(), ox.NamedNode(other)]
        store = self._store

        def run(text: str) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
            found = select(store, text, default_graph=graphs)
            assert not isinstance(found, bool)
            return found

        return run
