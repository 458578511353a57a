"""Counts people mean: facts per article, entities per class, hedged statements per
hedge; and apart, what the ontology and the reasoner add (the triples of the ontology
and reference graphs, the ontology's own terms, what the OWL RL closure infers).

A *fact* is a statement of an article graph, its aip:Claim records aside but the
statement each hedged claim qualifies counted (the graph does not assert it). An
*entity* is a resource typed, outside the ontology graph, with a class of the data
(``aip:Chip``, ``schema:NewsArticle``...): the ontology's classes, properties and
individuals, and the types of the OWL, RDF(S), SKOS, SHACL, VoID and DCAT
vocabularies (``owl:Class``, ``skos:Concept``...), are counted as ontology terms.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from aiplus_kg.load.terms import graph_name, label, named_graphs
from aiplus_kg.namespaces import (
    AIP,
    DCAT,
    ONTOLOGY_GRAPH,
    OWL,
    RDF,
    RDFS,
    SH,
    SKOS,
    SRC,
    VOID,
    XSD,
    curie,
)
from aiplus_kg.query.tables import table
from aiplus_kg.views.hedges import build_index

__all__ = [
    "BOOKKEEPING_NAMESPACES",
    "ArticleFacts",
    "ClassCount",
    "GraphCount",
    "HedgeCount",
    "Inferred",
    "Ontology",
    "Stats",
    "compute_stats",
    "render_text",
]

BOOKKEEPING_NAMESPACES = tuple(str(ns) for ns in (OWL, RDF, RDFS, SKOS, SH, VOID, DCAT, XSD))
"""Namespaces whose classes describe the ontology or the dataset, not the articles."""


@dataclass(frozen=True)
class GraphCount:
    graph: str
    name: str
    triples: int


@dataclass(frozen=True)
class ClassCount:
    cls: str
    name: str
    label: str
    entities: int


@dataclass(frozen=True)
class ArticleFacts:
    """Triples of one article graph; ``facts`` leaves out the aip:Claim records but
    counts the statement each hedged claim qualifies (which the graph does not assert),
    ``hedged`` counts the facts hedged at triple or entity level."""

    graph: str
    name: str
    triples: int
    facts: int
    claims: int
    hedged: int
    title: str = ""


@dataclass(frozen=True)
class HedgeCount:
    """One hedge value: the facts it hedges (at either level, over every article), the
    claims carrying it (triple level), the entities it hedges as a whole."""

    hedge: str
    name: str
    label: str
    facts: int
    claims: int
    entities: int


@dataclass(frozen=True)
class Inferred:
    """What the OWL RL closure adds to the graphs, cleaned as ``aiplus export
    --inferred`` writes it in the graph aipg:inferred: ``types`` of the ``triples`` are
    ``rdf:type`` statements (class memberships)."""

    triples: int
    types: int
    others: int


@dataclass(frozen=True)
class Ontology:
    """What is not the articles' facts: the triples of the other graphs (ontology,
    reference data...), the ontology's terms by kind, and what inference adds (``None``
    when it was not computed)."""

    graphs: list[GraphCount]
    terms: list[ClassCount]
    inferred: Inferred | None = None


@dataclass(frozen=True)
class Stats:
    """The counts: the articles' facts, the entities by class, the hedged statements by
    hedge, then apart the ontology (and inference); ``graphs`` and ``union_triples``
    count the triples of every named graph and of their union."""

    articles: list[ArticleFacts]
    classes: list[ClassCount]
    hedges: list[HedgeCount]
    ontology: Ontology
    graphs: list[GraphCount]
    union_triples: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _is_article(iri: Node) -> bool:
    return isinstance(iri, URIRef) and iri.startswith(str(SRC))


def _bookkeeping(cls: Node) -> bool:
    return str(cls).startswith(BOOKKEEPING_NAMESPACES)


def _class_counts(dataset: Dataset, members: dict[URIRef, set[Node]]) -> list[ClassCount]:
    return [
        ClassCount(str(cls), curie(str(cls)), label(dataset, cls) or "", len(subjects))
        for cls, subjects in sorted(members.items(), key=lambda kv: (-len(kv[1]), curie(kv[0])))
    ]


def compute_stats(dataset: Dataset, inferred: Graph | None = None) -> Stats:
    """Compute :class:`Stats` for a union-default dataset; ``inferred`` is what the
    OWL RL closure adds (see :func:`aiplus_kg.reason.inferred.inferred_triples`)."""
    graphs = named_graphs(dataset)
    per_graph = [GraphCount(str(g.identifier), graph_name(g.identifier), len(g)) for g in graphs]

    entities: dict[URIRef, set[Node]] = defaultdict(set)
    terms: dict[URIRef, set[Node]] = defaultdict(set)
    for subject, _, cls, stating in dataset.quads((None, RDF.type, None, None)):
        if not isinstance(cls, URIRef):
            continue
        where = getattr(stating, "identifier", stating)
        kind = terms if where == ONTOLOGY_GRAPH or _bookkeeping(cls) else entities
        kind[cls].add(subject)

    index = build_index(dataset)
    articles: list[ArticleFacts] = []
    hedged_facts: Counter[Node] = Counter()
    for graph in graphs:
        iri = graph.identifier
        if not _is_article(iri):
            continue
        claimed = {
            triple
            for triple, hedges in index.by_triple.items()
            if any(h.graph == iri for h in hedges)
        }
        facts = {t for t in graph if t[0] not in index.claims} | claimed
        hedged = 0
        for triple in facts:
            if triple[1] == AIP.hedge:
                continue
            hedging = {h.value for h in index.for_triple(triple) if h.graph == iri}
            hedging |= {h.value for h in index.for_entity(triple[0])}
            if triple in claimed or hedging:
                hedged += 1
            hedged_facts.update(hedging)
        claims = sum(1 for c in graph.subjects(RDF.type, AIP.Claim))
        articles.append(
            ArticleFacts(
                str(iri),
                graph_name(iri),
                len(graph),
                len(facts),
                claims,
                hedged,
                label(dataset, iri) or "",
            )
        )

    claims_of: Counter[Node] = Counter(
        h.value for hedges in index.by_triple.values() for h in hedges
    )
    entities_of: Counter[Node] = Counter(
        value for hedges in index.by_entity.values() for value in {h.value for h in hedges}
    )
    values: set[Node] = set(dataset.subjects(RDF.type, AIP.Hedge))
    values |= set(claims_of) | set(entities_of)
    hedges = [
        HedgeCount(
            str(v),
            curie(str(v)),
            label(dataset, v) or "",
            hedged_facts[v],
            claims_of[v],
            entities_of[v],
        )
        for v in sorted(values, key=lambda v: (-hedged_facts[v], curie(str(v))))
    ]

    others = [g for g in per_graph if not _is_article(URIRef(g.graph))]
    inference = None
    if inferred is not None:
        types = sum(1 for _ in inferred.triples((None, RDF.type, None)))
        inference = Inferred(len(inferred), types, len(inferred) - types)
    return Stats(
        articles=articles,
        classes=_class_counts(dataset, entities),
        hedges=hedges,
        ontology=Ontology(others, _class_counts(dataset, terms), inference),
        graphs=per_graph,
        union_triples=len(dataset),
    )


def render_text(stats: Stats, width: int | None = None) -> str:
    """The stats as aligned text tables (made to fit ``width``): facts per article,
    entities per class, hedged statements per hedge, then the ontology and inference."""
    articles = stats.articles
    parts = [
        table(
            ["article", "title", "facts", "hedged", "claims", "triples"],
            [(a.name, a.title, a.facts, a.hedged, a.claims, a.triples) for a in articles]
            + [
                (
                    "(all articles)",
                    "",
                    sum([a.facts for a in articles]),
                    sum([a.hedged for a in articles]),
                    sum([a.claims for a in articles]),
                    sum([a.triples for a in articles]),
                )
            ],
            title="Facts per article",
            width=width,
        ),
        table(
            ["class", "label", "entities"],
            [(c.name, c.label, c.entities) for c in stats.classes],
            title="Entities per class",
            width=width,
        ),
        table(
            ["hedge", "label", "facts", "claims", "entities"],
            [(h.name, h.label, h.facts, h.claims, h.entities) for h in stats.hedges],
            title="Hedged statements per hedge (facts hedged; claims; entities hedged as a whole)",
            width=width,
        ),
        _render_ontology(stats, width),
    ]
    return "\n".join(parts)


def _render_ontology(stats: Stats, width: int | None) -> str:
    ontology = stats.ontology
    graphs = [(g.name, g.triples) for g in stats.graphs] + [("(union)", stats.union_triples)]
    text = "Ontology, reference data and inference\n\n" + table(
        ["graph", "triples"], graphs, title="Triples per named graph", width=width
    )
    text += "\n" + table(
        ["term", "label", "count"],
        [(t.name, t.label, t.entities) for t in ontology.terms],
        title="Ontology terms (asserted types)",
        width=width,
    )
    inferred = ontology.inferred
    if inferred is None:
        return text + "\nInferred by OWL RL: not counted (aiplus stats --inferred counts it)\n"
    return text + (
        f"\nInferred by OWL RL: {inferred.triples:,} triples "
        f"({inferred.types:,} rdf:type, {inferred.others:,} others)\n"
    )
