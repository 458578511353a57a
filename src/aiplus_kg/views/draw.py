"""Pictures of the graph: a relationship chain, an entity's neighbourhood, the
subgraph a saved query touches.

A :class:`Picture` is built from the link graph of :mod:`aiplus_kg.views.paths` (so the same
statements count as links: no types, labels, claims, ontology terms or articles), then
written as DOT with the ``graphviz`` package and laid out by Graphviz's ``dot``
program, as SVG or PNG. In a picture:

* a node shows the entity's English label and its class; its colour is the colour of
  the kind of class (actors, plans, documents, technology, places, events, goals,
  topics, amounts, remarks, roles); a node hedged at entity level has a dashed border
  and its hedge under its class;
* an edge goes from the subject to the object of a statement and shows the property,
  the articles stating it (``[001]``) and, when hedged (a claim on the statement, or an
  entity-level hedge on either end), the hedge; hedged edges are dashed;
* the legend lists the article of each key with its ``rdfs:label``, the kinds of class
  and what a dashed line means.

The DOT text depends only on the data, and the SVG only on the data and the Graphviz
version (Graphviz's own comment, which names its build, is replaced by the version).
"""

from __future__ import annotations

import builtins
import html
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

import graphviz
from rdflib import BNode, Dataset, URIRef
from rdflib.term import Node

from aiplus_kg.atomic import atomic_write
from aiplus_kg.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, PICTURE_FORMATS
from aiplus_kg.errors import AiplusError, InputError, InternalError
from aiplus_kg.load.terms import graph_sort_key, label, term_text
from aiplus_kg.namespaces import AIP, OWL, RDF, RDFS, REFERENCE_GRAPH, SRC
from aiplus_kg.query.catalogue import SavedQuery
from aiplus_kg.query.run import QueryRun
from aiplus_kg.views.hedges import Hedge
from aiplus_kg.views.paths import DEFAULT_MAX_CHAINS, DEFAULT_MAX_HOPS, LinkGraph, build_link_graph
from aiplus_kg.views.paths import shortest_paths as find_paths

__all__ = [
    "DEFAULT_DEPTH",
    "DEFAULT_MAX_NODES",
    "FAMILIES",
    "FORMATS",
    "INSTALL_HINT",
    "EdgeInfo",
    "NodeInfo",
    "Picture",
    "RendererMissingError",
    "SourceInfo",
    "draw",
    "entity_picture",
    "format_for",
    "graphviz_version",
    "path_picture",
    "query_picture",
    "render",
    "to_dot",
]

FORMATS = PICTURE_FORMATS
INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz)"
)

FAMILIES: tuple[tuple[str, str, tuple[URIRef, ...]], ...] = (
    ("actors", "#8db9dc", (AIP.Agent, AIP.Organisation, AIP.Person, AIP.Group)),
    ("plans and programmes", "#fdc47d", (AIP.Plan,)),
    ("documents and sources", "#fff0a0", (AIP.PolicyDocument, AIP.Source)),
    ("chips, models and applications", "#f7a19a", (AIP.Hardware, AIP.AISystem)),
    ("infrastructure", "#d2a8d3", (AIP.Infrastructure,)),
    ("places", "#bfe28a", (AIP.Place,)),
    ("events and decisions", "#c9c5e6", (AIP.Event,)),
    ("goals", "#9fdcd1", (AIP.Goal,)),
    ("sectors and technologies", "#d9efd3", (AIP.Topic,)),
    ("amounts", "#f9d3e6", (AIP.Amount,)),
    ("remarks and observations", "#ececec", (AIP.Remark, AIP.Observation, AIP.Claim)),
    ("roles", "#e3d6c4", (AIP.Role, AIP.Position)),
)
"""Kinds of class and their colours: a node takes the first kind one of whose classes
is its class or a superclass of it."""

OTHER_FAMILY = ("other", "#ffffff")
FONT = "Helvetica,Arial,sans-serif"
EDGE_COLOUR = "#4d4d4d"
HEDGED_COLOUR = "#a0522d"
WRAP = 26


class RendererMissingError(AiplusError):
    """Graphviz's ``dot`` program is not installed; the DOT text was written instead."""

    exit_code = 1


@dataclass(frozen=True)
class NodeInfo:
    key: str  # the DOT node name
    iri: str
    name: str
    short: str
    class_label: str
    family: str
    colour: str
    hedges: tuple[str, ...] = ()
    focus: bool = False


@dataclass(frozen=True)
class EdgeInfo:
    tail: str  # DOT node names: the subject ...
    head: str  # ... and the object of the statement
    property: str
    property_label: str
    sources: tuple[str, ...]  # source keys, see SourceInfo
    hedges: tuple[str, ...] = ()

    @builtins.property  # the field above is called property
    def hedged(self) -> bool:
        return bool(self.hedges)


@dataclass(frozen=True)
class SourceInfo:
    key: str  # "001" for src:001-..., "ref" for the reference data
    iri: str
    label: str


@dataclass(frozen=True)
class Picture:
    title: str
    nodes: tuple[NodeInfo, ...]
    edges: tuple[EdgeInfo, ...]
    sources: tuple[SourceInfo, ...]
    rankdir: str = "LR"

    def families(self) -> list[tuple[str, str, list[str]]]:
        """The kinds of class drawn: (kind, colour, sorted class labels)."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for node in self.nodes:
            found[(node.family, node.colour)].add(node.class_label or "(no class)")
        order = [name for name, _, _ in FAMILIES] + [OTHER_FAMILY[0]]
        return [
            (family, colour, sorted(names, key=str.casefold))
            for (family, colour), names in sorted(
                found.items(), key=lambda kv: order.index(kv[0][0])
            )
        ]


# --- building pictures -------------------------------------------------------


class _Builder:
    """Turns a set of nodes and statements of the link graph into a :class:`Picture`."""

    def __init__(self, dataset: Dataset, links: LinkGraph) -> None:
        self.dataset = dataset
        self.links = links
        self._ancestors: dict[URIRef, frozenset[URIRef]] = {}
        self._keys = _source_keys(dataset)

    def ancestors(self, cls: URIRef) -> frozenset[URIRef]:
        """``cls`` and its superclasses (rdfs:subClassOf*, named classes only)."""
        if cls not in self._ancestors:
            seen: set[URIRef] = set()
            todo = [cls]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                todo.extend(
                    o
                    for o in self.dataset.objects(current, RDFS.subClassOf)
                    if isinstance(o, URIRef)
                )
            self._ancestors[cls] = frozenset(seen)
        return self._ancestors[cls]

    def main_class(self, node: Node) -> URIRef | None:
        """The most specific asserted class of ``node`` (most superclasses; then by name)."""
        types = {
            t
            for t in self.dataset.objects(node, RDF.type)
            if isinstance(t, URIRef) and t != OWL.NamedIndividual
        }
        if not types:
            return None
        return min(types, key=lambda t: (-len(self.ancestors(t)), term_text(t)))

    def family(self, cls: URIRef | None) -> tuple[str, str]:
        if cls is None:
            return OTHER_FAMILY
        ancestors = self.ancestors(cls)
        for name, colour, classes in FAMILIES:
            if ancestors.intersection(classes):
                return name, colour
        return OTHER_FAMILY

    def hedge_labels(self, hedges: Iterable[Hedge]) -> tuple[str, ...]:
        names = {label(self.dataset, h.value) or term_text(h.value) for h in hedges}
        return tuple(sorted(names, key=str.casefold))

    def node_info(self, node: Node, key: str, focus: bool) -> NodeInfo:
        cls = self.main_class(node)
        family, colour = self.family(cls)
        return NodeInfo(
            key=key,
            iri=_node_id(node),
            name=label(self.dataset, node) or term_text(node),
            short=term_text(node),
            class_label=(label(self.dataset, cls) or term_text(cls)) if cls is not None else "",
            family=family,
            colour=colour,
            hedges=self.hedge_labels(self.links.hedges.for_entity(node)),
            focus=focus,
        )

    def picture(
        self,
        title: str,
        nodes: Iterable[Node],
        pairs: Iterable[tuple[Node, Node]],
        focus: Iterable[Node] = (),
    ) -> Picture:
        """The picture of ``nodes`` with every statement joining a pair of ``pairs``."""
        wanted = set(nodes)
        focused = set(focus)
        ordered = sorted(wanted, key=lambda n: ((label(self.dataset, n) or "").casefold(), str(n)))
        keys = _dot_names(ordered)
        infos = tuple(self.node_info(n, keys[n], n in focused) for n in ordered)

        statements: dict[tuple[Node, Node, Node], set[URIRef]] = {}
        for a, b in pairs:
            for triple, graphs in self.links.links_between(a, b).items():
                statements.setdefault(triple, set()).update(graphs)
        edges: list[EdgeInfo] = []
        used: set[URIRef] = set()
        for (s, p, o), graphs in statements.items():
            if s not in wanted or o not in wanted:
                continue
            used.update(graphs)
            hedges = [
                *self.links.hedges.for_triple((s, p, o)),
                *self.links.hedges.for_entity(s),
                *self.links.hedges.for_entity(o),
            ]
            edges.append(
                EdgeInfo(
                    tail=keys[s],
                    head=keys[o],
                    property=str(p),
                    property_label=label(self.dataset, p) or term_text(p),
                    sources=tuple(
                        self._keys.get(g, term_text(g)) for g in sorted(graphs, key=graph_sort_key)
                    ),
                    hedges=self.hedge_labels(hedges),
                )
            )
        position = {info.key: i for i, info in enumerate(infos)}
        edges.sort(key=lambda e: (position[e.tail], position[e.head], e.property_label, e.property))
        sources = tuple(
            SourceInfo(self._keys.get(g, term_text(g)), str(g), _source_label(self.dataset, g))
            for g in sorted(used, key=graph_sort_key)
        )
        return Picture(title, infos, tuple(edges), sources)


def _source_keys(dataset: Dataset) -> dict[URIRef, str]:
    """Short keys for the graphs: an article's number (``001``) when no other article
    shares it, else its stem; ``ref`` for the reference data."""
    stems: dict[URIRef, str] = {}
    for graph in dataset.graphs():
        iri = URIRef(str(graph.identifier))
        if iri.startswith(str(SRC)):
            stems[iri] = iri[len(str(SRC)) :]
    numbers = defaultdict(list)
    for iri, stem in stems.items():
        numbers[stem.split("-", 1)[0]].append(iri)
    keys: dict[URIRef, str] = {REFERENCE_GRAPH: "ref"}
    for iri, stem in stems.items():
        number = stem.split("-", 1)[0]
        keys[iri] = number if len(numbers[number]) == 1 else stem
    return keys


def _source_label(dataset: Dataset, graph: URIRef) -> str:
    if graph == REFERENCE_GRAPH:
        return "reference data (graph/reference/)"
    return label(dataset, graph) or term_text(graph)


def _node_id(node: Node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)


def _dot_names(nodes: Iterable[Node]) -> dict[Node, str]:
    """DOT node names without ``:`` (which DOT reads as a port), such as
    ``id_ascend-910b``; a name two terms would share gets a number."""
    names: dict[Node, str] = {}
    taken: set[str] = set()
    for node in nodes:
        base = re.sub(r"[^A-Za-z0-9_.\-]", "_", term_text(node).strip("<>"))
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}_{number}"
        taken.add(name)
        names[node] = name
    return names


def path_picture(
    dataset: Dataset,
    start: URIRef,
    end: URIRef,
    *,
    max_hops: int = DEFAULT_MAX_HOPS,
    max_chains: int = DEFAULT_MAX_CHAINS,
    links: LinkGraph | None = None,
) -> Picture:
    """The shortest chains from ``start`` to ``end`` (see
    :func:`aiplus_kg.views.paths.shortest_paths`), merged into one picture; raises its
    :class:`~aiplus_kg.views.paths.NoPathError` when there is none."""
    links = links if links is not None else build_link_graph(dataset)
    result = find_paths(dataset, start, end, max_hops=max_hops, max_chains=max_chains, graph=links)
    by_id = {_node_id(n): n for n in links.neighbours}
    by_id.setdefault(str(start), start)
    nodes: set[Node] = set()
    pairs: set[tuple[Node, Node]] = set()
    for chain in result.chains:
        chain_nodes = [by_id[step.node] for step in chain.steps]
        nodes.update(chain_nodes)
        pairs.update(pairwise(chain_nodes))
    shown = f" (showing {len(result.chains)})" if len(result.chains) < result.total else ""
    plural = "chain" if result.total == 1 else "chains"
    hops = "link" if result.length == 1 else "links"
    title = (
        f"{result.start_name} to {result.end_name}: {result.total} shortest {plural} "
        f"of {result.length} {hops}{shown}"
    )
    return _Builder(dataset, links).picture(title, nodes, pairs, focus=(start, end))


def _too_big(what: str, count: int, max_nodes: int, hint: str) -> InputError:
    return InputError(
        f"{what} has {count} entities, more than --max-nodes {max_nodes}: {hint} "
        "or raise --max-nodes"
    )


def entity_picture(
    dataset: Dataset,
    entity: URIRef,
    *,
    depth: int = DEFAULT_DEPTH,
    max_nodes: int = DEFAULT_MAX_NODES,
    links: LinkGraph | None = None,
) -> Picture:
    """``entity``, the entities at most ``depth`` links away, and every statement
    joining two of them."""
    if depth < 1:
        raise InputError(f"--depth must be at least 1, got {depth}")
    links = links if links is not None else build_link_graph(dataset)
    name = label(dataset, entity) or term_text(entity)
    if entity not in links.neighbours:
        raise InputError(f"{name} ({term_text(entity)}) has no relationship to any other entity")
    seen: set[Node] = {entity}
    frontier: list[Node] = [entity]
    for _ in range(depth):
        frontier = [o for n in frontier for o in links.neighbours.get(n, ()) if o not in seen]
        seen.update(frontier)
    if len(seen) > max_nodes:
        what = f"the neighbourhood of {name} at depth {depth}"
        raise _too_big(what, len(seen), max_nodes, "use a smaller --depth")
    pairs = {(a, b) for a in seen for b in links.neighbours.get(a, ()) if b in seen}
    links_word = "link" if depth == 1 else "links"
    title = f"{name}: the entities at most {depth} {links_word} away"
    return _Builder(dataset, links).picture(title, seen, pairs, focus=(entity,))


def query_picture(
    dataset: Dataset,
    query: SavedQuery,
    run: QueryRun,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    links: LinkGraph | None = None,
) -> Picture:
    """The subgraph a saved query touches, as its ``run`` found it: the entities of its
    result rows, and every statement joining two entities of the same row."""
    links = links if links is not None else build_link_graph(dataset)
    results, bindings = run.results, run.bindings
    nodes: set[Node] = set()
    pairs: set[tuple[Node, Node]] = set()
    for row in results.rows:
        entities = sorted({t for t in row if t is not None and t in links.neighbours}, key=str)
        nodes.update(entities)
        pairs.update((a, b) for a in entities for b in entities if a != b)
    if not nodes:
        raise InputError(f"the results of {query.name} hold no entity to draw")
    if len(nodes) > max_nodes:
        what = f"the results of {query.name}"
        raise _too_big(what, len(nodes), max_nodes, "give parameters that narrow the query")
    focus = [term for term in bindings.values() if term in nodes]
    title = f"{query.name}: {query.summary}"
    return _Builder(dataset, links).picture(title, nodes, pairs, focus=focus)


# --- DOT ---------------------------------------------------------------------


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _wrapped(text: str, width: int = WRAP) -> str:
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return "<BR/>".join(_html(line) for line in lines or [text])


def _node_label(node: NodeInfo) -> str:
    parts = [f"<B>{_wrapped(node.name)}</B>"]
    if node.class_label:
        parts.append(f'<FONT POINT-SIZE="9">{_html(node.class_label)}</FONT>')
    if node.hedges:
        hedges = _html(", ".join(node.hedges))
        parts.append(f'<FONT POINT-SIZE="9" COLOR="{HEDGED_COLOUR}"><I>{hedges}</I></FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _edge_label(edge: EdgeInfo) -> str:
    parts = [_wrapped(edge.property_label, 20)]
    if edge.hedges:
        parts.append(f'<FONT COLOR="{HEDGED_COLOUR}"><I>{_html(", ".join(edge.hedges))}</I></FONT>')
    parts.append(f'<FONT POINT-SIZE="8">[{_html(", ".join(edge.sources))}]</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _legend(picture: Picture) -> str:
    rows = [f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{_html(picture.title)}</B></TD></TR>']
    if picture.sources:
        rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT"><I>Sources</I></TD></TR>')
        rows.extend(
            f'<TR><TD ALIGN="RIGHT">[{_html(s.key)}]</TD>'
            f'<TD ALIGN="LEFT">{_html(s.label)}</TD></TR>'
            for s in picture.sources
        )
    rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT"><I>Kinds of entity</I></TD></TR>')
    for family, colour, names in picture.families():
        rows.append(
            f'<TR><TD BGCOLOR="{colour}" BORDER="1" COLOR="#999999" WIDTH="24"> </TD>'
            f'<TD ALIGN="LEFT">{_html(family)}: {_html(", ".join(names))}</TD></TR>'
        )
    hedges = sorted(
        {h for e in picture.edges for h in e.hedges} | {h for n in picture.nodes for h in n.hedges}
    )
    if hedges:
        rows.append(
            f'<TR><TD ALIGN="RIGHT"><FONT COLOR="{HEDGED_COLOUR}">- - -</FONT></TD>'
            f'<TD ALIGN="LEFT">hedged (on the statement or on an entity): '
            f"{_html(', '.join(hedges))}</TD></TR>"
        )
    body = "".join(rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">{body}</TABLE>>'


def to_dot(picture: Picture) -> str:
    """The DOT text of ``picture`` (the same from run to run)."""
    dot = graphviz.Digraph(
        name="aiplus",
        graph_attr={
            "rankdir": picture.rankdir,
            "bgcolor": "white",
            "pad": "0.3",
            "nodesep": "0.35",
            "ranksep": "0.6",
            "fontname": FONT,
            "fontsize": "10",
            "labelloc": "b",
            "labeljust": "l",
            "label": _legend(picture),
        },
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fontname": FONT,
            "fontsize": "11",
            "color": "#666666",
            "margin": "0.12,0.06",
        },
        edge_attr={"fontname": FONT, "fontsize": "9", "color": EDGE_COLOUR, "arrowsize": "0.7"},
    )
    for node in picture.nodes:
        attrs = {"fillcolor": node.colour}
        styles = ["rounded", "filled"]
        if node.hedges:
            styles.append("dashed")
            attrs["color"] = HEDGED_COLOUR
        if node.focus:
            attrs["penwidth"] = "2.2"
        if len(styles) > 2:
            attrs["style"] = ",".join(styles)
        if not node.iri.startswith("_:"):
            attrs["URL"] = graphviz.escape(node.iri)
        attrs["tooltip"] = graphviz.escape(f"{node.name} ({node.short})")
        dot.node(node.key, label=_node_label(node), **attrs)
    for edge in picture.edges:
        attrs = {"tooltip": graphviz.escape(edge.property_label)}
        if edge.hedged:
            attrs.update(style="dashed", color=HEDGED_COLOUR, fontcolor="#222222")
        dot.edge(edge.tail, edge.head, label=_edge_label(edge), **attrs)
    source: str = dot.source
    return source


# --- rendering ---------------------------------------------------------------


def graphviz_version() -> str | None:
    """The version of Graphviz's ``dot`` (``2.43.0``), or ``None`` when it is missing."""
    try:
        return ".".join(str(part) for part in graphviz.version())
    except graphviz.ExecutableNotFound:
        return None
    except (RuntimeError, OSError):
        return None


_GENERATOR_COMMENT = re.compile(rb"<!-- Generated by graphviz version .*?-->\n", re.DOTALL)


def _tidy_svg(svg: bytes, version: str) -> bytes:
    """Replace Graphviz's comment (which names its build) with the plain version."""
    comment = f"<!-- Drawn by aiplus with Graphviz {version} -->\n".encode()
    tidy, count = _GENERATOR_COMMENT.subn(comment, svg, count=1)
    return tidy if count else svg


def format_for(output: Path | None, fmt: str | None) -> str:
    """The output format: ``fmt`` if given, else from the file suffix, else ``svg``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown picture format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    if output is None:
        return "svg"
    suffix = output.suffix.lower().lstrip(".")
    if suffix == "gv":
        return "dot"
    if suffix not in FORMATS:
        raise InputError(
            f"{output}: cannot tell the format from the suffix {output.suffix or '(none)'!r}; "
            f"use .svg, .png or .dot, or give --format"
        )
    return suffix


def render(dot_source: str, fmt: str) -> bytes:
    """Lay out ``dot_source`` with Graphviz's ``dot`` as ``fmt`` (``svg``, ``png`` or
    ``dot``, which returns the text as is). Raises :class:`RendererMissingError` when
    ``dot`` is not installed."""
    if fmt == "dot":
        return dot_source.encode("utf-8")
    if fmt not in FORMATS:
        raise InputError(f"unknown picture format {fmt!r} (choose from {', '.join(FORMATS)})")
    try:
        data: bytes = graphviz.Source(dot_source).pipe(format=fmt, engine="dot", quiet=True)
    except graphviz.ExecutableNotFound:
        raise RendererMissingError(
            f"Graphviz's dot program was not found; {INSTALL_HINT}"
        ) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise InternalError(f"dot failed: {detail[0] if detail else exc}") from None
    if fmt == "svg":
        data = _tidy_svg(data, graphviz_version() or "unknown")
    return data


def draw(picture: Picture, fmt: str, out: Path | BinaryIO) -> None:
    """Write ``picture`` as ``fmt`` to the file ``out`` (atomically) or the stream ``out``.

    When Graphviz's ``dot`` is missing, the DOT text is written instead (to the file
    with the suffix ``.dot``, or to the stream) and :class:`RendererMissingError` is
    raised, saying where it went and how to install Graphviz.
    """
    source = to_dot(picture)
    try:
        data = render(source, fmt)
    except RendererMissingError:
        written = _write(out, source.encode("utf-8"), suffix=".dot")
        where = f"wrote the DOT text to {written}" if written else "wrote the DOT text instead"
        then = (
            f"; then run: dot -T{fmt} {written} -o {Path(written).with_suffix('.' + fmt)}"
            if written
            else ""
        )
        raise RendererMissingError(
            f"Graphviz's dot program was not found, so no {fmt.upper()} was drawn: {where}; "
            f"{INSTALL_HINT}{then}"
        ) from None
    _write(out, data)


def _write(out: Path | BinaryIO, data: bytes, suffix: str | None = None) -> str | None:
    if isinstance(out, Path):
        target = out.with_suffix(suffix) if suffix is not None else out
        atomic_write(target, data)
        return str(target)
    out.write(data)
    out.flush()
    return None
