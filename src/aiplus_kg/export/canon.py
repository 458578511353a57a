"""Canonical forms of graphs: stable blank-node labels and sorted N-Triples lines.

Blank nodes get fresh random identifiers each time a file is parsed; a canonical
copy relabels them from the graph's structure, so that serializing the same graph
gives the same bytes on every run.

The labels are rdflib's (``rdflib.compare.to_canonical_graph``, the RGDA1 digest),
computed by :class:`Canonicalizer`: rdflib's own algorithm with its colour
refinement done in time near linear in the size of the graph. rdflib's refinement
re-examines every colour for each colour it refines with, and looks up the triples
between every pair of nodes of the two, so that 4,000 blank nodes took minutes; here
each step touches only the triples of the colour it refines with, the same steps in
the same order, so that the labels are rdflib's exactly.

One exception: blank nodes that refinement cannot tell apart (``ex:s ex:p [ ex:q 1 ],
[ ex:q 1 ]``) go to rdflib's search, whose time grows with the fourth power of their
number (or exponentially, when they form cycles). Beyond :data:`SEARCH_LIMIT` of them,
when the triples between blank nodes form a forest (nested ``[ ]`` and lists do),
they are told apart one by one instead (see :meth:`Canonicalizer.labels`): other
labels than rdflib's for them, as stable. The project's own files have none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any, cast

from rdflib import BNode, Graph
from rdflib.compare import Color, _TripleCanonicalizer
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import IdentifiedNode, Node

from aiplus_kg.load.bulk import gc_paused

__all__ = [
    "Canonicalizer",
    "canonical_graph",
    "canonical_lines",
    "canonical_triples",
    "graph_tag",
    "isomorphic",
    "ntriples_lines",
]

Triple = tuple[Node, Node, Node]
_Item = tuple[Any, ...]
_Links = dict[Node, list[tuple[Node, Node]]]

SEARCH_LIMIT = 16
"""Blank nodes that colour refinement cannot tell apart, at most, that rdflib's
search (``_traces``) labels; beyond, in a forest, rdflib's ``_experimental_path``."""


def graph_tag(identifier: Node) -> str:
    """A short, stable blank-node label prefix for the named graph ``identifier``."""
    return "g" + hashlib.sha256(str(identifier).encode("utf-8")).hexdigest()[:10]


# --- colour refinement -----------------------------------------------------------------


class _Part:
    """A colour while it is refined: its nodes (in order), its colour (rdflib's tuple of
    items), the colour's hash, and its places in the colouring and the sequence."""

    __slots__ = (
        "color",
        "hex",
        "in_sequence",
        "label",
        "next",
        "nodes",
        "prev",
        "snext",
        "sprev",
        "value",
    )

    def __init__(self, nodes: dict[Node, None], color: Any, value: int, hex_: str) -> None:
        self.nodes = nodes
        self.color = color
        self.value = value
        self.hex = hex_
        self.in_sequence = False
        self.label = 0
        self.prev: _Part | None = None
        self.next: _Part | None = None
        self.sprev: _Part = self
        self.snext: _Part = self

    def key(self) -> tuple[int, str]:
        return len(self.nodes), self.hex


def _head() -> _Part:
    return _Part({}, (), 0, "")


class _Order:
    """The order of the colours in rdflib's colouring: a list where a colour is only ever
    replaced, in place, by the colours it splits into; each colour has an integer label
    that grows along the list (order maintenance after Bender et al., 2002: on a clash,
    relabel the smallest aligned block of labels that is sparse enough; amortised
    logarithmic time per insertion)."""

    _GAP = 1 << 32

    def __init__(self) -> None:
        self.head = self.tail = _head()

    def insert_after(self, before: _Part, part: _Part) -> None:
        after = before.next
        part.prev, part.next, before.next = before, after, part
        if after is None:
            part.label = before.label + self._GAP
            self.tail = part
            return
        after.prev = part
        if after.label - before.label >= 2:
            part.label = (before.label + after.label) // 2
            return
        part.label = before.label
        first, last, count, bits = before, part, 2, 0
        while True:
            bits += 1
            low = (before.label >> bits) << bits
            high = low + (1 << bits)
            while first.prev is not None and first.prev.label >= low:
                first, count = first.prev, count + 1
            while last.next is not None and last.next.label < high:
                last, count = last.next, count + 1
            if count <= (4 / 3) ** bits:
                break
        step = (1 << bits) // count
        node: _Part | None = first
        for index in range(count):
            assert node is not None
            node.label = low + index * step
            node = node.next

    def remove(self, part: _Part) -> None:
        assert part.prev is not None
        part.prev.next = part.next
        if part.next is not None:
            part.next.prev = part.prev
        else:
            self.tail = part.prev

    def __iter__(self) -> Iterator[_Part]:
        node = self.head.next
        while node is not None:
            yield node
            node = node.next


class _Sequence:
    """rdflib's list of colours still to refine with: popped at the end, new colours
    put at the front or in place of the colour they come from."""

    def __init__(self) -> None:
        self.head = _head()

    def __bool__(self) -> bool:
        return self.head.snext is not self.head

    def insert_after(self, before: _Part, part: _Part) -> None:
        after = before.snext
        part.sprev, part.snext = before, after
        before.snext = after.sprev = part
        part.in_sequence = True

    def remove(self, part: _Part) -> None:
        part.sprev.snext = part.snext
        part.snext.sprev = part.sprev
        part.in_sequence = False

    def pop(self) -> _Part:
        last = self.head.sprev
        self.remove(last)
        return last


class _Refinement:
    """rdflib's ``_TripleCanonicalizer._refine`` on ``coloring``, refining first with
    the colours of ``sequence``: the same steps in the same order (:meth:`refine`);
    then, if asked, rdflib's ``_experimental_path`` (:meth:`individualize`).

    A step pops the colour ``W`` at the end of the sequence and, for each colour ``c``
    of the colouring in turn, gives each node of ``c`` the items ``(1, p, hash(W))``
    of its triples ``node p w`` and ``(hash(W), p, 3)`` of its triples ``w p node``
    (``w`` in ``W``), so that ``c`` splits into the colours of equal items, largest
    first; these replace ``c`` in the colouring, and in the sequence if ``c`` is there,
    else all but the first go to the front of the sequence. A colour's hash is the sum
    of the SHA-256 of its items, so a step can add to it. rdflib visits every colour
    and asks the graph for the triples between each of its nodes and each node of
    ``W``; here a step starts from the triples of ``W``'s nodes (an index) and visits
    only the colours those reach: the others would split into themselves.
    """

    def __init__(self, canon: Canonicalizer, coloring: list[Color], sequence: list[Color]) -> None:
        self.canon = canon
        self.into, self.out = canon.links()
        self.order, self.queue = _Order(), _Sequence()
        self.part_of: dict[Node, _Part] = {}
        self.position: dict[Node, int] = {}
        self.fixed: list[tuple[Color, str]] = []
        self.splittable = 0  # colours of more than one node
        self.by_hash: dict[str, dict[_Part, None]] = {}  # the blank nodes' colours
        self.clashes: set[str] = set()  # hashes of more than one colour
        self.settled = self.order.head  # the colours up to it have one node each
        parts: dict[int, _Part] = {}
        for color in coloring:
            nodes = color.nodes
            hex_ = color.hash_color()
            if len(nodes) > 1 or isinstance(nodes[0], BNode):
                part = _Part(dict.fromkeys(nodes), color.color, int(hex_, 16), hex_)
                self.order.insert_after(self.order.tail, part)
                for node in nodes:
                    self.part_of[node] = part
                    self.position.setdefault(node, len(self.position))
                self.splittable += len(nodes) > 1
                self._enter(part)
            else:  # a term, not a blank node: never split, only refined with
                part = _Part(dict.fromkeys(nodes), color.color, 0, hex_)
                self.fixed.append((color, hex_))
            parts[id(color)] = part
        self.last_position = len(self.position)
        # rdflib sorts by Color.key(), which is _Part.key()
        ordered = sorted((parts[id(c)] for c in sequence), key=_Part.key, reverse=True)
        for part in ordered:
            self.queue.insert_after(self.queue.head.sprev, part)

    def refine(self) -> None:
        """rdflib's ``_refine``: refine while the sequence has colours and some colour
        has several nodes; then make the colours of one hash one colour."""
        while self.queue and self.splittable:
            self._step(self.queue.pop())
        while self.queue:  # rdflib's next refinement starts a sequence of its own
            self.queue.pop()
        for hex_ in list(self.clashes):
            first, *others = sorted(self.by_hash[hex_], key=lambda part: part.label)
            for other in others:
                self._merge(first, other)

    def colors(self) -> list[Color]:
        """The colouring, in rdflib's order: the terms' colours, then the blank nodes';
        colours of one hash made one, as rdflib's ``_refine`` ends."""
        canon = self.canon
        colors = list(self.fixed)
        for part in self.order:
            nodes = cast(list[IdentifiedNode], list(part.nodes))
            color = Color(nodes, canon.hashfunc, part.color, hash_cache=canon.cache)
            canon.cache[part.color] = part.hex
            colors.append((color, part.hex))
        return _combine(colors)

    def undistinguished(self) -> int:
        """The blank nodes that share their colour."""
        return sum(len(part.nodes) for part in self.order if len(part.nodes) > 1)

    def individualize(self) -> None:
        """rdflib's ``_experimental_path`` after :meth:`refine`: while a colour has
        several nodes, the first such colour gives its first node a colour of its own
        (its items and the colour's size), put last, and the colouring is refined
        with it."""
        while self.splittable:
            part = self.settled.next
            while part is not None and len(part.nodes) == 1:
                self.settled, part = part, part.next
            assert part is not None
            node = next(iter(part.nodes))
            item = (len(part.nodes),)
            del part.nodes[node]
            self.splittable -= len(part.nodes) == 1
            value = part.value + self.canon.item_hash(item)
            alone = _Part({node: None}, (*part.color, item), value, f"{value:x}")
            self.part_of[node] = alone
            self._enter(alone)
            self.order.insert_after(self.order.tail, alone)
            self.queue.insert_after(self.queue.head, alone)
            self.refine()

    def _enter(self, part: _Part) -> None:
        same = self.by_hash.setdefault(part.hex, {})
        same[part] = None
        if len(same) > 1:
            self.clashes.add(part.hex)

    def _leave(self, part: _Part) -> None:
        same = self.by_hash[part.hex]
        del same[part]
        if len(same) < 2:
            self.clashes.discard(part.hex)
        if not same:
            del self.by_hash[part.hex]

    def _merge(self, first: _Part, other: _Part) -> None:
        """rdflib's ``combined_color_map[hash].nodes.extend(color.nodes)``: ``other``
        joins ``first``, its nodes after first's, and leaves the colouring."""
        self.splittable -= (len(first.nodes) > 1) + (len(other.nodes) > 1)
        for node in other.nodes:
            first.nodes[node] = None
            self.part_of[node] = first
            self.position[node] = self.last_position = self.last_position + 1
        self.splittable += len(first.nodes) > 1
        self._leave(other)
        if other is self.settled:
            self.settled = other.prev or self.order.head
        self.order.remove(other)
        if other.in_sequence:
            self.queue.remove(other)
        if first.label <= self.settled.label and first is not self.order.head:
            self.settled = first.prev or self.order.head

    def _step(self, with_: _Part) -> None:
        items: dict[Node, list[_Item]] = {}
        for node in with_.nodes:
            for predicate, blank in self.into.get(node, ()):
                items.setdefault(blank, []).append((1, predicate, with_.hex))
            for predicate, blank in self.out.get(node, ()):
                items.setdefault(blank, []).append((with_.hex, predicate, 3))
        reached: dict[int, tuple[_Part, list[Node]]] = {}
        for blank in items:
            part = self.part_of[blank]
            reached.setdefault(id(part), (part, []))[1].append(blank)
        # in the colouring's order, as rdflib visits them: what each puts at the front
        # of the sequence goes before what the ones visited earlier put there
        for part, linked in sorted(reached.values(), key=lambda entry: entry[0].label):
            self._split(part, linked, items)

    def _split(self, part: _Part, linked: list[Node], items: dict[Node, list[_Item]]) -> None:
        groups: dict[int, list[Node]] = {}
        for node in linked:
            delta = sum(self.canon.item_hash(item) for item in items[node])
            groups.setdefault(delta, []).append(node)
        if len(groups) == 1 and len(linked) == len(part.nodes):
            # one new colour, in the place of the old one (colouring and sequence)
            delta = next(iter(groups))
            self._leave(part)
            part.value += delta
            part.hex = f"{part.value:x}"
            part.color = (*part.color, *items[next(iter(part.nodes))])
            self._enter(part)
            return
        self.splittable -= len(part.nodes) > 1
        new: list[_Part] = []
        for delta, nodes in groups.items():
            nodes.sort(key=self.position.__getitem__)  # a colour keeps its nodes' order
            value = part.value + delta
            made = _Part(dict.fromkeys(nodes), (*part.color, *items[nodes[0]]), value, "")
            made.hex = f"{value:x}"
            self._enter(made)
            new.append(made)
            for node in nodes:
                del part.nodes[node]
                self.part_of[node] = made
        if part.nodes:  # the nodes without a triple to ``with_`` keep their colour
            new.append(part)
        else:
            self._leave(part)
        new.sort(key=_Part.key, reverse=True)
        self.splittable += sum(len(made.nodes) > 1 for made in new)
        before = part.prev
        assert before is not None
        self.order.remove(part)
        for made in new:
            self.order.insert_after(before, made)
            before = made
        if part.in_sequence:  # in its place
            at = part.sprev
            self.queue.remove(part)
            for made in new:
                self.queue.insert_after(at, made)
                at = made
        else:  # all but the first at the front
            at = self.queue.head
            for made in new[1:]:
                self.queue.insert_after(at, made)
                at = made


class Canonicalizer(_TripleCanonicalizer):
    """rdflib's RGDA1 canonicalizer with a colour refinement near linear in the graph.

    :meth:`_refine` returns what rdflib's returns (the same colours, hashes, order,
    and order of the nodes in each colour; see :class:`_Refinement`); the rest is
    rdflib's, including the search (``_traces``) that tells apart blank nodes the
    refinement cannot (a graph with symmetries), which calls :meth:`_refine`.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph)
        # rdflib's steps only iterate over the graph: read its store once
        self.triples: tuple[Triple, ...] = tuple(graph)
        self.graph = self.triples  # type: ignore[assignment]
        self._links: tuple[_Links, _Links] | None = None
        self._item_hashes: dict[_Item, int] = {}
        self.cache: dict[Any, str] = {}
        self._hash_cache = self.cache

    def links(self) -> tuple[_Links, _Links]:
        """For each term: the (predicate, blank node) of the triples ``blank predicate
        term``, and of the triples ``term predicate blank``."""
        if self._links is None:
            into: _Links = {}
            out: _Links = {}
            for s, p, o in self.triples:
                if isinstance(s, BNode):
                    into.setdefault(o, []).append((p, s))
                if isinstance(o, BNode):
                    out.setdefault(s, []).append((p, o))
            self._links = (into, out)
        return self._links

    def forest(self) -> bool:
        """Whether the triples between blank nodes form a forest: no blank node is the
        object of two of them with different subjects, and they make no cycle."""
        parent: dict[Node, Node] = {}
        for s, p, o in self.triples:
            if isinstance(p, BNode):
                return False
            if isinstance(s, BNode) and isinstance(o, BNode) and parent.setdefault(o, s) != s:
                return False
        state: dict[Node, int] = {}  # 1: on the current path, 2: leads to a root
        for start in parent:
            path = []
            node: Node | None = start
            while node is not None and state.get(node) != 2:
                if state.get(node) == 1:
                    return False
                state[node] = 1
                path.append(node)
                node = parent.get(node)
            for seen in path:
                state[seen] = 2
        return True

    def item_hash(self, item: _Item) -> int:
        """rdflib's hash of one item of a colour."""
        found = self._item_hashes.get(item)
        if found is None:
            text = " ".join(x.n3() if isinstance(x, Node) else str(x) for x in item)
            found = self._item_hashes[item] = int(self.hashfunc(text))
        return found

    def _refine(self, coloring: list[Color], sequence: list[Color]) -> list[Color]:
        if sequence and not self._discrete(coloring):
            refinement = _Refinement(self, coloring, sequence)
            refinement.refine()
            return refinement.colors()
        return _combine([(color, color.hash_color()) for color in coloring])

    def labels(self) -> dict[BNode, str]:
        """The canonical label of each blank node (``cb`` and a hash): the steps of
        rdflib's ``canonical_triples``, except that when more than
        :data:`SEARCH_LIMIT` blank nodes of a forest are left that the refinement
        cannot tell apart, they are told apart by rdflib's ``_experimental_path``
        instead of its search (``_traces``), which takes time in the fourth power of
        their number. In a forest such blank nodes are interchangeable (colour
        refinement finds the orbits of a forest), so that which one goes first does
        not change the labels."""
        coloring = self._initial_color()
        if self._discrete(coloring):
            coloring = _combine([(color, color.hash_color()) for color in coloring])
        else:
            refinement = _Refinement(self, coloring, coloring[:])
            refinement.refine()
            if refinement.undistinguished() > SEARCH_LIMIT and self.forest():
                refinement.individualize()
            coloring = refinement.colors()
        if not self._discrete(coloring):
            coloring = self._traces(coloring, depth=[0])
        return {
            node: f"cb{color.hash_color()}"
            for color in coloring
            if isinstance(node := color.nodes[0], BNode)
        }


def _combine(coloring: list[tuple[Color, str]]) -> list[Color]:
    """rdflib's last step of ``_refine``: colours of one hash become one colour."""
    combined: list[Color] = []
    by_hash: dict[str, Color] = {}
    for color, color_hash in coloring:
        if color_hash in by_hash:
            by_hash[color_hash].nodes.extend(color.nodes)
        else:
            combined.append(color)
            by_hash[color_hash] = color
    return combined


# --- canonical graphs and lines -----------------------------------------------------------


def _has_bnode(triple: Triple) -> bool:
    return any(isinstance(node, BNode) for node in triple)


def _relabelled(graph: Graph, tag: str) -> Iterable[Triple]:
    """The triples of ``graph``, each blank node labelled ``tag`` + its canonical label."""
    if not any(_has_bnode(t) for t in graph):
        return graph
    with gc_paused():
        canon = Canonicalizer(graph)
        nodes = {node: BNode(f"{tag}{label}") for node, label in canon.labels().items()}
        return [
            (
                nodes[s] if isinstance(s, BNode) else s,
                nodes[p] if isinstance(p, BNode) else p,
                nodes[o] if isinstance(o, BNode) else o,
            )
            for s, p, o in canon.triples
        ]


def canonical_triples(graph: Graph) -> Iterable[Triple]:
    """The triples of ``graph`` with rdflib's canonical blank-node labels (``cb...``):
    what ``rdflib.compare.to_canonical_graph`` holds."""
    return _relabelled(graph, "")


def isomorphic(first: Graph, second: Graph) -> bool:
    """Whether ``first`` and ``second`` are the same graph up to blank-node labels (as
    ``rdflib.compare.isomorphic`` decides, in time near linear in the graphs)."""
    return len(first) == len(second) and _digest(first) == _digest(second)


def _digest(graph: Graph) -> int:
    """rdflib's digest of ``graph`` (``to_hash``): the sum of the SHA-256 of its
    canonical triples."""
    total = 0
    for triple in _relabelled(graph, ""):
        text = " ".join(node.n3() for node in triple)
        total += int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)
    return total


def canonical_graph(graph: Graph, *, tag: str = "", target: Graph | None = None) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels, prefixed by ``tag``.

    Triples are added in sorted order, so iteration order is stable too. The copy
    goes into ``target`` when given (it should be empty), else into a new graph.
    """
    out = target if target is not None else Graph(bind_namespaces="none")
    triples = sorted(set(_relabelled(graph, tag)), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    out.addN((s, p, o, out) for s, p, o in triples)
    return out


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
        # each line as rdflib's N-Triples writer writes it, without the copy
        return sorted({_nt_row(triple)[:-1] for triple in _relabelled(graph, tag)})
    return ntriples_lines(graph)
