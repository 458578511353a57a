"""The ontology's own rules, checked by SPARQL (as OBO/ODK projects do).

Each ``tests/data/ontology-rules/*.rq`` is a SELECT whose rows are faults; its first
line (``# rule: …``) states the rule. Every rule must find nothing in the ontology, and
must find something in ``tests/data/ontology-broken.ttl``, which shows the rule can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal

from aiplus_kg.namespaces import DCTERMS, ONTOLOGY_IRI, OWL, RDF
from tests.support import DATA, REPO

ROOT = REPO
RULES = sorted((DATA / "ontology-rules").glob("*.rq"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "aiplus.ttl")


@pytest.fixture(scope="module")
def broken() -> Graph:
    return Graph().parse(DATA / "ontology-broken.ttl")


def test_there_are_rules() -> None:
    assert len(RULES) >= 10


@pytest.mark.parametrize("rule", RULES, ids=lambda p: p.stem)
def test_rule_holds_on_the_ontology(ontology: Graph, rule: Path) -> None:
    text = rule.read_text(encoding="utf-8")
    assert text.startswith("# rule: ")
    faults = [tuple(str(v) for v in row) for row in ontology.query(text)]
    assert faults == [], text.splitlines()[0]


@pytest.mark.parametrize("rule", RULES, ids=lambda p: p.stem)
def test_rule_can_fail(broken: Graph, rule: Path) -> None:
    assert list(broken.query(rule.read_text(encoding="utf-8"))), "the rule found nothing"


def test_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    version = ontology.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version is not None
    assert str(version).startswith(str(ONTOLOGY_IRI) + "/")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    descriptions = list(ontology.objects(ONTOLOGY_IRI, DCTERMS.description))
    assert any(isinstance(d, Literal) and d.language == "en" for d in descriptions)


def test_the_required_classes_exist(ontology: Graph) -> None:
    required = [
        "State",
        "GovernmentBody",
        "NationalGovernmentBody",
        "ProvincialGovernmentBody",
        "MunicipalGovernmentBody",
        "PartyOrgan",
        "Firm",
        "StartUp",
        "ResearchInstitute",
        "MediaOutlet",
        "InternationalOrganisation",
        "Person",
        "Role",
        "Position",
        "Place",
        "Country",
        "Region",
        "Province",
        "City",
        "Plan",
        "Strategy",
        "PolicyDocument",
        "Opinion",
        "Guideline",
        "Standard",
        "Law",
        "Programme",
        "FundingScheme",
        "ComputeVoucherScheme",
        "PilotProgramme",
        "Incubator",
        "Chip",
        "AIModel",
        "Infrastructure",
        "DataCentre",
        "ComputingCentre",
        "Event",
        "Conference",
        "Meeting",
        "Announcement",
        "Restriction",
        "Goal",
        "Sector",
        "Amount",
        "MonetaryAmount",
        "Percentage",
        "Quantity",
        "Source",
        "Article",
        "Claim",
        "Remark",
        "Hedge",
    ]
    declared = {str(c) for c in ontology.subjects(RDF.type, OWL.Class)}
    missing = [c for c in required if str(ONTOLOGY_IRI) + "#" + c not in declared]
    assert missing == []
