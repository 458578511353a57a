"""Hedges as data: which statements and entities are hedged, where, and by whom.

Two forms exist in the graph (see docs/hedges.md):

* entity level: ``?x aip:hedge ?h`` (the entity's existence or status is hedged);
* triple level: ``?c a aip:Claim ; aip:claimSubject ?s ; aip:claimPredicate ?p ;
  aip:claimObject ?o ; aip:hedge ?h`` (optionally ``aip:accordingTo ?source`` and
  ``skos:note``) in an article graph. The hedged statement ``?s ?p ?o`` itself is
  not asserted: the claim is the only place it lives, so that a query that does not
  ask for hedges never reads it as a plain fact. ``rdf:subject``, ``rdf:predicate``
  and ``rdf:object`` may stand for the ontology's three properties.

:meth:`HedgeIndex.statements` gives the hedged statements with the graphs stating
them, for the views that show them beside the plain ones (describe, path, draw).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.namespaces import AIP, RDF, SKOS

__all__ = [
    "CLAIM_LINKS",
    "CLAIM_OBJECT",
    "CLAIM_PREDICATE",
    "CLAIM_SUBJECT",
    "Hedge",
    "HedgeIndex",
    "build_index",
]

CLAIM_SUBJECT = (AIP.claimSubject, RDF.subject)
CLAIM_PREDICATE = (AIP.claimPredicate, RDF.predicate)
CLAIM_OBJECT = (AIP.claimObject, RDF.object)
CLAIM_LINKS = frozenset((*CLAIM_SUBJECT, *CLAIM_PREDICATE, *CLAIM_OBJECT))
"""The properties tying a claim to the triple it qualifies."""

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Hedge:
    """One hedge: its value, the graph stating it, and what the claim adds."""

    value: URIRef
    graph: URIRef
    level: str  # "triple" or "entity"
    claim: Node | None = None
    according_to: tuple[Node, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class HedgeIndex:
    """Hedges of a dataset, indexed by the triple or the entity they qualify."""

    by_triple: dict[Triple, list[Hedge]]
    by_entity: dict[Node, list[Hedge]]
    claims: set[Node]

    def for_triple(self, triple: Triple) -> list[Hedge]:
        return self.by_triple.get(triple, [])

    def for_entity(self, entity: Node) -> list[Hedge]:
        return self.by_entity.get(entity, [])

    def statements(self) -> dict[Triple, set[URIRef]]:
        """Each statement a hedged claim qualifies, with the graphs of its claims."""
        return {triple: {h.graph for h in hedges} for triple, hedges in self.by_triple.items()}


def _notes(dataset: Dataset, node: Node) -> tuple[str, ...]:
    values = dataset.objects(node, SKOS.note)
    english = sorted(
        str(v) for v in values if isinstance(v, Literal) and v.language in ("en", None)
    )
    return tuple(english)


def build_index(dataset: Dataset) -> HedgeIndex:
    """Index every hedge of ``dataset`` (a union-default dataset)."""
    by_triple: dict[Triple, list[Hedge]] = defaultdict(list)
    by_entity: dict[Node, list[Hedge]] = defaultdict(list)
    claims = set(dataset.subjects(RDF.type, AIP.Claim))

    for subject, _, value, graph in dataset.quads((None, AIP.hedge, None, None)):
        if not isinstance(value, URIRef):
            continue
        graph_iri = _identifier(graph)
        if subject not in claims:
            by_entity[subject].append(Hedge(value, graph_iri, "entity"))
            continue
        s = _first(dataset, subject, CLAIM_SUBJECT)
        p = _first(dataset, subject, CLAIM_PREDICATE)
        o = _first(dataset, subject, CLAIM_OBJECT)
        if s is None or p is None or o is None:
            continue
        hedge = Hedge(
            value,
            graph_iri,
            "triple",
            claim=subject,
            according_to=tuple(sorted(dataset.objects(subject, AIP.accordingTo), key=str)),
            notes=_notes(dataset, subject),
        )
        by_triple[(s, p, o)].append(hedge)
    return HedgeIndex(dict(by_triple), dict(by_entity), claims)


def _first(dataset: Dataset, claim: Node, properties: tuple[URIRef, ...]) -> Node | None:
    for prop in properties:
        value = dataset.value(claim, prop)
        if value is not None:
            return value
    return None


def _identifier(graph: object) -> URIRef:
    identifier = getattr(graph, "identifier", graph)
    return URIRef(str(identifier))
