"""Everything the graph says about one entity, with sources and hedges.

A hedged statement is not asserted, only qualified by its claim (see
:mod:`aiplus_kg.views.hedges`); it is listed here beside the plain ones, with the
graphs of its claims as its sources and its hedge.

Given the :class:`~aiplus_kg.load.layout.Locations` of the files read, each statement
also says where it is written (``file:line``: a hedged one, where its claim is), and
the entity where its blocks are: what a contributor opens to change it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from aiplus_kg.load.layout import Locations
from aiplus_kg.load.terms import display, graph_name, label, term_text
from aiplus_kg.namespaces import AIP, RDF, RDFS, SKOS
from aiplus_kg.views.hedges import CLAIM_LINKS, Hedge, HedgeIndex, build_index
from aiplus_kg.views.terminal import printable

__all__ = [
    "Description",
    "HedgeInfo",
    "PropertyGroup",
    "TermInfo",
    "ValueInfo",
    "describe",
    "render_text",
]

HEADER_PROPERTIES = frozenset({RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, AIP.hedge})
"""Outgoing properties shown in the header rather than in the property list."""


@dataclass(frozen=True)
class TermInfo:
    iri: str
    text: str


@dataclass(frozen=True)
class HedgeInfo:
    hedge: str
    label: str
    level: str
    source: str
    according_to: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ValueInfo:
    value: str
    text: str
    sources: list[str]
    hedges: list[HedgeInfo]
    locations: list[str] = field(default_factory=list)
    """Where the statement is written, ``file:line`` (a hedged one: its claim)."""


@dataclass(frozen=True)
class PropertyGroup:
    property: str
    label: str
    direction: str  # "out" or "in"
    values: list[ValueInfo]


@dataclass(frozen=True)
class Description:
    entity: str
    name: str
    labels: dict[str, list[str]]
    types: list[TermInfo]
    hedges: list[HedgeInfo]
    outgoing: list[PropertyGroup]
    incoming: list[PropertyGroup]
    locations: list[str] = field(default_factory=list)
    """Where blocks about the entity are written, ``file:line``."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _hedge_info(dataset: Dataset, hedge: Hedge) -> HedgeInfo:
    return HedgeInfo(
        hedge=str(hedge.value),
        label=label(dataset, hedge.value) or term_text(hedge.value),
        level=hedge.level,
        source=graph_name(hedge.graph),
        according_to=[display(dataset, a) for a in hedge.according_to],
        notes=list(hedge.notes),
    )


def _value_text(dataset: Dataset, node: Node, depth: int = 0) -> str:
    """How a value is shown: ``Label (curie)``, a literal, or a blank node spelled out."""
    if not isinstance(node, BNode) or depth > 2:
        return display(dataset, node)
    if (node, RDF.first, None) in dataset:
        items = Collection(dataset, node)
        return "( " + ", ".join(_value_text(dataset, i, depth + 1) for i in items) + " )"
    parts = [
        f"{label(dataset, p) or term_text(p)} {_value_text(dataset, o, depth + 1)}"
        for p, o in sorted(dataset.predicate_objects(node))
    ]
    return "[ " + " ; ".join(parts) + " ]" if parts else "[]"


def _where(
    locations: Locations | None,
    statement: tuple[Node, Node, Node],
    graphs: set[URIRef],
    hedges: list[Hedge],
) -> list[str]:
    """Where ``statement`` is written in the files of ``graphs``: its own line, else
    the blocks of the claims that hold it."""
    if locations is None:
        return []
    s, p, o = statement
    found: list[str] = []
    for graph in sorted(graphs):
        lines = locations.statement(graph, str(s), str(p), o if isinstance(o, URIRef) else None)
        if not lines:
            claims = [h.claim for h in hedges if h.graph == graph and h.claim is not None]
            lines = [line for c in claims for line in locations.subject(graph, str(c))]
        found.extend(line for line in lines if line not in found)
    return found


def _groups(
    dataset: Dataset,
    index: HedgeIndex,
    statements: dict[tuple[Node, Node, Node], set[URIRef]],
    direction: str,
    locations: Locations | None = None,
) -> list[PropertyGroup]:
    by_property: dict[Node, list[ValueInfo]] = defaultdict(list)
    for (s, p, o), graphs in statements.items():
        other = o if direction == "out" else s
        claimed = index.for_triple((s, p, o))
        hedges = [*claimed, *index.for_entity(other)]
        by_property[p].append(
            ValueInfo(
                value=str(other) if not isinstance(other, Literal) else other.n3(),
                text=_value_text(dataset, other),
                sources=sorted(graph_name(g) for g in graphs),
                hedges=[_hedge_info(dataset, h) for h in hedges],
                locations=_where(locations, (s, p, o), graphs, claimed),
            )
        )
    groups = [
        PropertyGroup(
            property=str(prop),
            label=display(dataset, prop),
            direction=direction,
            values=sorted(values, key=lambda v: (v.text.casefold(), v.value)),
        )
        for prop, values in by_property.items()
    ]
    return sorted(groups, key=lambda g: (g.label.casefold(), g.property))


def describe(
    dataset: Dataset,
    entity: URIRef,
    index: HedgeIndex | None = None,
    locations: Locations | None = None,
) -> Description:
    """Describe ``entity``: its labels, types and hedges, then every outgoing and
    incoming statement across all graphs, grouped by property (``index``: the hedges of
    ``dataset``, when indexed already; ``locations``: where the files write each
    statement, when given)."""
    index = index if index is not None else build_index(dataset)

    outgoing: dict[tuple[Node, Node, Node], set[URIRef]] = defaultdict(set)
    for s, p, o, g in dataset.quads((entity, None, None, None)):
        if p not in HEADER_PROPERTIES:
            outgoing[(s, p, o)].add(_graph_iri(g))
    incoming: dict[tuple[Node, Node, Node], set[URIRef]] = defaultdict(set)
    for s, p, o, g in dataset.quads((None, None, entity, None)):
        if not (p in CLAIM_LINKS and s in index.claims):
            incoming[(s, p, o)].add(_graph_iri(g))
    for (s, p, o), graphs in index.statements().items():
        if s == entity and p not in HEADER_PROPERTIES:
            outgoing[(s, p, o)].update(graphs)
        if o == entity:
            incoming[(s, p, o)].update(graphs)

    labels: dict[str, list[str]] = defaultdict(list)
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for value in dataset.objects(entity, prop):
            if isinstance(value, Literal):
                labels[value.language or ""].append(str(value))

    return Description(
        entity=str(entity),
        name=label(dataset, entity) or term_text(entity),
        labels={lang: sorted(set(v)) for lang, v in sorted(labels.items())},
        types=sorted(
            {TermInfo(str(t), display(dataset, t)) for t in dataset.objects(entity, RDF.type)},
            key=lambda t: (t.text.casefold(), t.iri),
        ),
        hedges=[_hedge_info(dataset, h) for h in index.for_entity(entity)],
        outgoing=_groups(dataset, index, outgoing, "out", locations),
        incoming=_groups(dataset, index, incoming, "in", locations),
        locations=_blocks(dataset, entity, locations),
    )


def _blocks(dataset: Dataset, entity: URIRef, locations: Locations | None) -> list[str]:
    """Where the files write blocks about ``entity``, graph by graph."""
    if locations is None:
        return []
    graphs = {_graph_iri(g) for _, _, _, g in dataset.quads((entity, None, None, None))}
    return [line for graph in sorted(graphs) for line in locations.subject(graph, str(entity))]


def _graph_iri(graph: object) -> URIRef:
    return URIRef(str(getattr(graph, "identifier", graph)))


def _hedge_text(hedge: HedgeInfo) -> str:
    line = f"{hedge.label} ({hedge.level} level, {hedge.source})"
    if hedge.according_to:
        line += f", according to {', '.join(hedge.according_to)}"
    if hedge.notes:
        line += f": {' / '.join(hedge.notes)}"
    return line


def render_text(desc: Description) -> str:
    """A readable multi-line description."""
    out = [f"{desc.name} <{desc.entity}>"]
    if desc.labels:
        shown = "  ".join(
            f"{lang or '-'}: " + " | ".join(f'"{v}"' for v in values)
            for lang, values in desc.labels.items()
        )
        out.append(f"  labels  {shown}")
    if desc.types:
        out.append(f"  types   {', '.join(t.text for t in desc.types)}")
    if desc.locations:
        out.append(f"  written {', '.join(desc.locations)}")
    out.extend(f"  hedge   {_hedge_text(h)}" for h in desc.hedges)
    for title, groups in (("Outgoing", desc.outgoing), ("Incoming", desc.incoming)):
        if not groups:
            continue
        out.append("")
        out.append(title)
        for group in groups:
            out.append(f"  {group.label}")
            for value in group.values:
                where = f"  {', '.join(value.locations)}" if value.locations else ""
                out.append(f"    - {value.text}  [{', '.join(value.sources)}]{where}")
                out.extend(f"        hedge: {_hedge_text(h)}" for h in value.hedges)
    return printable("\n".join(out) + "\n")
