"""Counts over the dataset: triples per graph, entities per class, facts per article."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from rdflib import Dataset, URIRef

from aiplus_kg.load.terms import graph_name, label, named_graphs
from aiplus_kg.namespaces import AIP, RDF, SRC, curie
from aiplus_kg.query.tables import table
from aiplus_kg.views.hedges import build_index

__all__ = [
    "ArticleFacts",
    "ClassCount",
    "GraphCount",
    "Stats",
    "compute_stats",
    "render_text",
]


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


@dataclass(frozen=True)
class Stats:
    graphs: list[GraphCount]
    union_triples: int
    classes: list[ClassCount]
    articles: list[ArticleFacts]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def compute_stats(dataset: Dataset) -> Stats:
    """Compute :class:`Stats` for a union-default dataset."""
    graphs = named_graphs(dataset)
    per_graph = [GraphCount(str(g.identifier), graph_name(g.identifier), len(g)) for g in graphs]

    typed: Counter[URIRef] = Counter()
    members: dict[URIRef, set[object]] = {}
    for subject, cls in dataset.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            members.setdefault(cls, set()).add(subject)
    typed.update({cls: len(subjects) for cls, subjects in members.items()})
    classes = [
        ClassCount(str(cls), curie(str(cls)), label(dataset, cls) or "", count)
        for cls, count in sorted(typed.items(), key=lambda kv: (-kv[1], curie(str(kv[0]))))
    ]

    index = build_index(dataset)
    articles: list[ArticleFacts] = []
    for graph in graphs:
        iri = graph.identifier
        if not (isinstance(iri, URIRef) and iri.startswith(str(SRC))):
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
            if triple in claimed or index.for_entity(triple[0]):
                hedged += 1
        claims = sum(1 for c in graph.subjects(RDF.type, AIP.Claim))
        articles.append(
            ArticleFacts(str(iri), graph_name(iri), len(graph), len(facts), claims, hedged)
        )

    return Stats(per_graph, len(dataset), classes, articles)


def render_text(stats: Stats) -> str:
    """The stats as three aligned text tables."""
    parts = [
        table(
            ["graph", "triples"],
            [(g.name, g.triples) for g in stats.graphs] + [("(union)", stats.union_triples)],
            title="Triples per named graph",
        ),
        table(
            ["class", "label", "entities"],
            [(c.name, c.label, c.entities) for c in stats.classes],
            title="Entities per class (asserted types)",
        ),
        table(
            ["article", "triples", "facts", "claims", "hedged"],
            [(a.name, a.triples, a.facts, a.claims, a.hedged) for a in stats.articles],
            title="Facts per article",
        ),
    ]
    return "\n".join(parts)
