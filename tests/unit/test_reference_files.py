"""The shared entities are where people look for them: one file of graph/reference/ per
kind, each typing and labelling only entities of its kind (CONTRIBUTING.md lists them),
and each entity typed in one of them only."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, URIRef

from aiplus_kg.load.turtle import parse_turtle
from aiplus_kg.namespaces import AIP, ID, RDF, RDFS, SKOS
from tests.support import REPO

REFERENCE = REPO / "graph" / "reference"

KINDS: dict[str, tuple[str, ...]] = {
    "agencies.ttl": ("GovernmentBody", "PoliticalParty", "PartyOrgan"),
    "firms.ttl": ("Firm",),
    "goals.ttl": ("Goal",),
    "groups.ttl": ("Group",),
    "media.ttl": ("MediaOutlet",),
    "organisations.ttl": (
        "ResearchInstitute",
        "InternationalOrganisation",
        "NonGovernmentalOrganisation",
    ),
    "people.ttl": ("Person", "Role"),
    "places.ttl": ("Place",),
    "plans.ttl": ("Plan",),
    "products.ttl": ("AISystem", "Hardware"),
    "sectors.ttl": ("Sector",),
    "topics.ttl": ("Technology", "Topic"),
}
"""Each file and the classes (with their subclasses) of the entities it types."""
SCHEMES = {"sectors.ttl": ID.sectors, "topics.ttl": ID.topics}


def _ontology() -> Graph:
    return parse_turtle(REPO / "ontology" / "aiplus.ttl")


def _superclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    found, stack = {cls}, [cls]
    while stack:
        for parent in ontology.objects(stack.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def test_one_file_per_kind_besides_the_sources() -> None:
    names = sorted(p.name for p in REFERENCE.glob("*.ttl"))
    assert names == sorted([*KINDS, "sources.ttl"])


def test_each_file_types_only_its_kind() -> None:
    ontology = _ontology()
    for name, kinds in KINDS.items():
        graph = parse_turtle(REFERENCE / name)
        allowed = {AIP[k] for k in kinds}
        for subject in set(graph.subjects()):
            if subject == SCHEMES.get(name):
                assert (subject, RDF.type, SKOS.ConceptScheme) in graph
                continue
            classes = {
                c for t in graph.objects(subject, RDF.type) for c in _superclasses(ontology, t)
            }
            assert classes & allowed, f"{name}: {subject} is not of its kind"
            assert (subject, RDFS.label, None) in graph, f"{name}: {subject} has no label"


def test_each_entity_is_typed_in_one_reference_file() -> None:
    typed: Counter[object] = Counter()
    for name in KINDS:
        typed.update(set(parse_turtle(REFERENCE / name).subjects(RDF.type, None)))
    assert [s for s, n in typed.items() if n > 1] == []
