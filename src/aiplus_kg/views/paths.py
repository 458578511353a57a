"""Shortest relationship chains between two entities.

The graph searched is the union of all named graphs seen as an undirected graph of
entities: a link is a statement ``s p o`` between two resources, followed in either
direction. Left out are:

* ``rdf:type``, labels, notes, ``aip:summary`` and ``aip:statedIn`` (bookkeeping, not
  relations), SKOS scheme membership, and literals;
* qualified claims (``aip:Claim`` nodes and their ``aip:claimSubject`` ... links):
  they qualify a link rather than make one. The statement a hedged claim qualifies
  is a link, though the graph does not assert it (see :mod:`aiplus_kg.views.hedges`):
  it joins its subject and object, with its hedge, in the graph of its claim;
* ontology terms (classes, properties, hedge values, anything the ontology graph
  describes or in the ``aip:`` namespace) and the articles themselves, so that two
  entities are never "connected" through ``owl:Thing`` or through the article that
  mentions both.

Each link of a chain carries its property, its direction, the hedges that apply (a
claim on the statement, or an entity-level hedge on either end) and the article
graphs stating it. Chains are found breadth-first; all shortest ones are returned,
up to a limit, in a stable order.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.defaults import DEFAULT_MAX_HOPS
from aiplus_kg.errors import AiplusError
from aiplus_kg.load.terms import graph_name, graph_sort_key, label, term_text
from aiplus_kg.namespaces import AIP, DCTERMS, ONTOLOGY_GRAPH, RDF, RDFS, SKOS, SRC
from aiplus_kg.views.hedges import CLAIM_LINKS, Hedge, HedgeIndex, build_index
from aiplus_kg.views.terminal import printable

__all__ = [
    "DEFAULT_MAX_HOPS",
    "Chain",
    "Link",
    "LinkGraph",
    "NoPathError",
    "PathResult",
    "build_link_graph",
    "render_text",
    "shortest_paths",
]

DEFAULT_MAX_CHAINS = 20

SKIPPED_PROPERTIES = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.hiddenLabel,
        SKOS.note,
        SKOS.definition,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.hasTopConcept,
        AIP.summary,
        AIP.statedIn,
        AIP.hedge,
        AIP.citesDocument,
        DCTERMS.publisher,
        *CLAIM_LINKS,
    }
)
"""Properties that never make a link."""


class NoPathError(AiplusError):
    """No chain of at most the allowed length joins the two entities (exit code 1)."""

    exit_code = 1


@dataclass(frozen=True)
class HedgeText:
    hedge: str
    label: str
    level: str  # "triple" or "entity"
    on: str  # what the hedge is on: "statement", "subject" or "object"
    source: str


@dataclass(frozen=True)
class Link:
    """One statement joining two consecutive nodes of a chain."""

    subject: str
    property: str
    property_label: str
    object: str
    direction: str  # "forward": from -> to is subject -> object; "backward": the reverse
    sources: list[str]
    hedges: list[HedgeText] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """A node of a chain and the links to the next node (none for the last)."""

    node: str  # the IRI, or _:label for a blank node
    name: str
    short: str  # a prefixed name, <iri> or _:label
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class Chain:
    steps: list[Step]

    @property
    def length(self) -> int:
        return len(self.steps) - 1


@dataclass(frozen=True)
class PathResult:
    start: str
    start_name: str
    end: str
    end_name: str
    max_hops: int
    length: int
    total: int  # how many shortest chains exist
    chains: list[Chain]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


Triple = tuple[Node, Node, Node]


@dataclass
class LinkGraph:
    """The undirected entity graph: neighbours and the statements (with graphs) per pair."""

    neighbours: dict[Node, set[Node]]
    statements: dict[frozenset[Node], dict[Triple, set[URIRef]]]
    hedges: HedgeIndex

    def links_between(self, a: Node, b: Node) -> dict[Triple, set[URIRef]]:
        return self.statements.get(frozenset((a, b)), {})


def _ontology_terms(dataset: Dataset) -> set[Node]:
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    return set(ontology.subjects()) | {o for o in ontology.objects() if isinstance(o, URIRef)}


def _is_node(term: Node, excluded: set[Node]) -> bool:
    if isinstance(term, Literal) or term in excluded:
        return False
    if isinstance(term, URIRef) and str(term).startswith((str(AIP), str(SRC))):
        return False
    return isinstance(term, URIRef | BNode)


def build_link_graph(dataset: Dataset) -> LinkGraph:
    """Index every link of ``dataset`` (see the module docstring for what counts)."""
    index = build_index(dataset)
    excluded = _ontology_terms(dataset) | set(index.claims)
    neighbours: dict[Node, set[Node]] = defaultdict(set)
    statements: dict[frozenset[Node], dict[Triple, set[URIRef]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph_iri = URIRef(str(getattr(g, "identifier", g)))
        if graph_iri == ONTOLOGY_GRAPH or p in SKIPPED_PROPERTIES or s == o:
            continue
        if not (_is_node(s, excluded) and _is_node(o, excluded)):
            continue
        neighbours[s].add(o)
        neighbours[o].add(s)
        statements[frozenset((s, o))][(s, p, o)].add(graph_iri)
    for (s, p, o), graphs in index.statements().items():
        if p in SKIPPED_PROPERTIES or s == o or ONTOLOGY_GRAPH in graphs:
            continue
        if not (_is_node(s, excluded) and _is_node(o, excluded)):
            continue
        neighbours[s].add(o)
        neighbours[o].add(s)
        statements[frozenset((s, o))][(s, p, o)].update(graphs)
    return LinkGraph(dict(neighbours), dict(statements), index)


def _distances(graph: LinkGraph, start: Node, end: Node, max_hops: int) -> dict[Node, int]:
    """Breadth-first distances from ``start``, stopping once ``end``'s level is done."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        depth = dist[node]
        if depth >= max_hops or (end in dist and depth >= dist[end]):
            continue
        for other in graph.neighbours.get(node, ()):
            if other not in dist:
                dist[other] = depth + 1
                queue.append(other)
    return dist


def _node_paths(
    graph: LinkGraph, dist: dict[Node, int], start: Node, end: Node
) -> Iterator[list[Node]]:
    """Every shortest node sequence from ``start`` to ``end`` (walking back from ``end``)."""

    def back(node: Node) -> Iterator[list[Node]]:
        if node == start:
            yield [start]
            return
        for prev in graph.neighbours.get(node, ()):
            if dist.get(prev) == dist[node] - 1:
                for path in back(prev):
                    yield [*path, node]

    yield from back(end)


def _hedge_texts(dataset: Dataset, graph: LinkGraph, triple: Triple) -> list[HedgeText]:
    found: list[tuple[Hedge, str]] = [(h, "statement") for h in graph.hedges.for_triple(triple)]
    found.extend((h, "subject") for h in graph.hedges.for_entity(triple[0]))
    found.extend((h, "object") for h in graph.hedges.for_entity(triple[2]))
    return [
        HedgeText(
            hedge=str(h.value),
            label=label(dataset, h.value) or term_text(h.value),
            level=h.level,
            on=on,
            source=graph_name(h.graph),
        )
        for h, on in found
    ]


def _node_id(node: Node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)


def _name(dataset: Dataset, node: Node) -> str:
    return label(dataset, node) or term_text(node)


def _chain(dataset: Dataset, graph: LinkGraph, nodes: list[Node]) -> Chain:
    steps: list[Step] = []
    for i, node in enumerate(nodes):
        links: list[Link] = []
        if i + 1 < len(nodes):
            nxt = nodes[i + 1]
            for (s, p, o), graphs in graph.links_between(node, nxt).items():
                links.append(
                    Link(
                        subject=str(s),
                        property=str(p),
                        property_label=_name(dataset, p),
                        object=str(o),
                        direction="forward" if s == node else "backward",
                        sources=[graph_name(g) for g in sorted(graphs, key=graph_sort_key)],
                        hedges=_hedge_texts(dataset, graph, (s, p, o)),
                    )
                )
            links.sort(
                key=lambda link: (link.direction, link.property_label.casefold(), link.property)
            )
        steps.append(Step(_node_id(node), _name(dataset, node), term_text(node), links))
    return Chain(steps)


def shortest_paths(
    dataset: Dataset,
    start: URIRef,
    end: URIRef,
    *,
    max_hops: int = DEFAULT_MAX_HOPS,
    max_chains: int = DEFAULT_MAX_CHAINS,
    graph: LinkGraph | None = None,
) -> PathResult:
    """All shortest chains from ``start`` to ``end`` of at most ``max_hops`` links
    (the first ``max_chains`` of them, in order of their nodes' names).

    Raises :class:`NoPathError` (exit code 1) when there is none.
    """
    graph = graph if graph is not None else build_link_graph(dataset)
    start_name, end_name = _name(dataset, start), _name(dataset, end)
    if start == end:
        chains = [Chain([Step(str(start), start_name, term_text(start))])]
        return PathResult(str(start), start_name, str(end), end_name, max_hops, 0, 1, chains)
    for node, name in ((start, start_name), (end, end_name)):
        if node not in graph.neighbours:
            raise NoPathError(f"{name} ({term_text(node)}) has no relationship to any other entity")
    dist = _distances(graph, start, end, max_hops)
    if end not in dist:
        between = f"{start_name} ({term_text(start)}) and {end_name} ({term_text(end)})"
        unbounded = _distances(graph, start, end, len(graph.neighbours))
        if end in unbounded:
            raise NoPathError(
                f"no chain of at most {max_hops} links between {between}; the shortest has "
                f"{unbounded[end]}: use --max-hops {unbounded[end]}"
            )
        raise NoPathError(f"no chain of any length between {between}: they are not connected")
    paths = list(_node_paths(graph, dist, start, end))
    keyed = sorted(paths, key=lambda nodes: [(_name(dataset, n).casefold(), str(n)) for n in nodes])
    chains = [_chain(dataset, graph, nodes) for nodes in keyed[:max_chains]]
    return PathResult(
        str(start), start_name, str(end), end_name, max_hops, dist[end], len(paths), chains
    )


def _hedge_line(hedge: HedgeText) -> str:
    return f"{hedge.label} (on the {hedge.on}, {hedge.source})"


def render_text(result: PathResult) -> str:
    """Chains as indented text: each node, then each link to the next one."""
    count = result.total
    plural = "chain" if count == 1 else "chains"
    links = "link" if result.length == 1 else "links"
    out = [
        f"{count} shortest {plural} of {result.length} {links} from "
        f"{result.start_name} to {result.end_name}"
    ]
    if len(result.chains) < count:
        out[0] += f" (showing {len(result.chains)})"
    for number, chain in enumerate(result.chains, start=1):
        out.append("")
        out.append(f"Chain {number}")
        for step in chain.steps:
            out.append(f"  {step.name} ({step.short})")
            for link in step.links:
                arrow = (
                    f"--[{link.property_label}]-->"
                    if link.direction == "forward"
                    else f"<--[{link.property_label}]--"
                )
                line = f"      {arrow}  {', '.join(link.sources)}"
                if link.hedges:
                    line += "; hedge: " + "; ".join(_hedge_line(h) for h in link.hedges)
                out.append(line)
    return printable("\n".join(out) + "\n")
