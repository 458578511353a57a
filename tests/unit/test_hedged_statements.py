"""Hedged statements are never plain facts (docs/hedges.md).

A statement an article makes under a hedge lives only in its claim (``aip:Claim`` with
``aip:hedge``); the graph never asserts its triple. These tests run one triple pattern
``?s P ?o`` per object and datatype property of the ontology against the default graph
(the union of the named graphs, as any store holding the export has it) and against its
OWL RL closure, and look for hedged statements among the plain answers.
"""

from __future__ import annotations

import functools

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import AIP, ONTOLOGY_GRAPH, OWL, RDF, SKOS
from aiplus_kg.reason.closure import compute_closure
from tests.support import REPO

Triple = tuple[Node, Node, Node]

STATEMENT_NODES = (AIP.Remark, AIP.Observation, AIP.Amount)
"""Entities whose own properties describe what is hedged rather than relate it to the
world: a remark or an observation (a statement already), an amount (a figure)."""

STATUS_PROPERTIES = frozenset(
    {AIP.hedge, AIP.statedIn, AIP.summary, AIP.accordingTo, AIP.proposedBy, AIP.announcedBy}
)
"""Properties of a hedged entity that hold whatever its hedge: bookkeeping, and who
proposes, announces or reports it."""


@functools.cache
def dataset() -> Dataset:
    return load(REPO).dataset


@functools.cache
def closure() -> Graph:
    graph = Graph()
    for triple in compute_closure(dataset().triples((None, None, None))):
        graph.add(triple)
    return graph


def properties() -> list[URIRef]:
    ontology = dataset().graph(ONTOLOGY_GRAPH)
    found = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if isinstance(p, URIRef)
    }
    return sorted(found, key=str)


def hedged_statements() -> dict[Triple, URIRef]:
    """Each statement a hedged claim qualifies, with one claim qualifying it."""
    ds = dataset()
    found: dict[Triple, URIRef] = {}
    for claim in set(ds.subjects(AIP.hedge, None)):
        s = ds.value(claim, AIP.claimSubject)
        p = ds.value(claim, AIP.claimPredicate)
        o = ds.value(claim, AIP.claimObject)
        if s is not None and p is not None and o is not None:
            assert isinstance(claim, URIRef)
            found[(s, p, o)] = claim
    return found


def hedged_entities() -> set[Node]:
    """Entities hedged as a whole, but not remarks, observations or amounts."""
    ds = dataset()
    claims = set(ds.subjects(RDF.type, AIP.Claim))
    statement_like = {e for cls in STATEMENT_NODES for e in closure().subjects(RDF.type, cls)}
    return set(ds.subjects(AIP.hedge, None)) - claims - statement_like


def plain_answers(graph: Graph | Dataset, prop: URIRef) -> set[Triple]:
    rows = graph.query("SELECT ?s ?o WHERE { ?s ?p ?o }", initBindings={"p": prop})
    return {(row[0], prop, row[1]) for row in rows}  # type: ignore[index]


def test_the_data_has_hedged_statements_of_every_kind() -> None:
    ds = dataset()
    hedges = {h for claim in hedged_statements().values() for h in ds.objects(claim, AIP.hedge)}
    assert {AIP.Reported, AIP.RumouredUnconfirmed, AIP.UnderConsideration} <= hedges
    assert {AIP.Proposed, AIP.Planned} <= hedges
    assert len(properties()) > 50


@pytest.mark.parametrize("prop", properties(), ids=lambda p: str(p).rsplit("#", 1)[1])
def test_no_hedged_statement_among_the_plain_answers(prop: URIRef) -> None:
    hedged = hedged_statements()
    for name, graph in (("default graph", dataset()), ("OWL RL closure", closure())):
        found = sorted(str(hedged[t]) for t in plain_answers(graph, prop) if t in hedged)
        assert found == [], f"{name}: plain answers that only a hedged claim may state"


@pytest.mark.parametrize("prop", properties(), ids=lambda p: str(p).rsplit("#", 1)[1])
def test_a_hedged_entity_is_related_to_the_world_only_through_claims(prop: URIRef) -> None:
    """What the graph says of a proposed, planned, rumoured or reported entity, beyond
    who proposes or reports it, is itself hedged: a claim with the entity's hedge."""
    if prop in STATUS_PROPERTIES:
        return
    entities = hedged_entities()
    found = sorted(f"{s} {o}" for s, _, o in plain_answers(dataset(), prop) if s in entities)
    assert found == []


def test_hedged_entities_exist_and_claims_carry_their_hedge() -> None:
    ds = dataset()
    entities = hedged_entities()
    assert entities, "the data has proposed, planned, rumoured and reported entities"
    by_subject: dict[Node, set[Node]] = {}
    for (s, _, _), claim in hedged_statements().items():
        by_subject.setdefault(s, set()).update(ds.objects(claim, AIP.hedge))
    for entity in entities:
        hedges = set(ds.objects(entity, AIP.hedge))
        assert hedges <= by_subject.get(entity, hedges), entity


def test_an_amount_measured_through_a_hedged_claim_carries_a_hedge() -> None:
    ds = dataset()
    amounts = set(closure().subjects(RDF.type, AIP.Amount))
    for (_, _, o), claim in hedged_statements().items():
        if o in amounts:
            assert set(ds.objects(o, AIP.hedge)) & set(ds.objects(claim, AIP.hedge)), o


def test_every_hedged_claim_names_its_article() -> None:
    ds = dataset()
    for claim in hedged_statements().values():
        graphs = {
            URIRef(str(getattr(g, "identifier", g)))
            for *_, g in ds.quads((claim, AIP.hedge, None, None))
        }
        assert set(ds.objects(claim, AIP.statedIn)) == graphs, claim


# --- curator's remarks ---------------------------------------------------------------

CURATOR_WORDS = ("common knowledge", "notoriété", "connaissance commune")


def test_only_editorial_notes_speak_of_common_knowledge() -> None:
    """Outside knowledge enters only as a curator's remark, in skos:editorialNote."""
    found = [
        f"{s} {p}"
        for s, p, o in dataset().triples((None, None, None))
        if isinstance(o, Literal)
        and p != SKOS.editorialNote
        and any(word in str(o).casefold() for word in CURATOR_WORDS)
    ]
    assert found == []


def test_editorial_notes_say_they_are_the_curators() -> None:
    notes = list(dataset().objects(None, SKOS.editorialNote))
    assert notes
    for note in notes:
        assert str(note).startswith(("Curator's note: ", "Note du curateur : ")), note
