"""``aiplus stats`` counts what people mean: facts per article, entities per class,
hedged statements per hedge; the ontology's bookkeeping (owl:Class, skos:Concept...),
the triples per graph and what inference adds come apart, in their own section, in
text and in JSON."""

from __future__ import annotations

import json

from rdflib import Graph, URIRef

from aiplus_kg.load.dataset import LoadedDataset
from aiplus_kg.namespaces import ID, RDF
from aiplus_kg.views.stats import compute_stats
from tests.support import REPO, run_cli

SECTIONS = (
    "Facts per article",
    "Entities per class",
    "Hedged statements per hedge",
    "Ontology, reference data and inference",
)


def _section(text: str, title: str) -> list[str]:
    """The lines of the section ``title`` (up to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def test_the_sections_come_in_order() -> None:
    result = run_cli("stats")
    assert result.exit_code == 0, result.stderr
    places = [result.stdout.index(title) for title in SECTIONS]
    assert places == sorted(places)


def test_facts_per_article_with_their_titles_and_a_total() -> None:
    rows = _section(run_cli("stats").stdout, "Facts per article")
    assert rows[0].split() == ["article", "title", "facts", "hedged", "claims", "triples"]
    assert rows[2].split() == ["src:a-one", "Article", "one", "2", "1", "1", "9"]
    assert rows[3].split() == ["src:a-two", "Article", "two", "6", "3", "1", "11"]
    assert rows[4].split() == ["(all", "articles)", "8", "4", "2", "20"]


def test_entities_per_class_leave_the_ontology_out() -> None:
    text = run_cli("stats").stdout
    entities = _section(text, "Entities per class")
    assert entities[2].split() == ["aip:Organisation", "organisation", "3"]
    assert not any(line.startswith(("owl:", "skos:", "aip:Hedge")) for line in entities)
    terms = _section(text, "Ontology terms")
    assert ["owl:Class", "6"] in [line.split() for line in terms]
    assert ["aip:Hedge", "hedge", "2"] in [line.split() for line in terms]


def test_hedged_statements_per_hedge() -> None:
    rows = _section(run_cli("stats").stdout, "Hedged statements per hedge")
    assert rows[0].split() == ["hedge", "label", "facts", "claims", "entities"]
    assert [line.split() for line in rows[2:]] == [
        ["aip:Proposed", "proposed", "2", "0", "1"],  # the AI+ Office, hedged as a whole
        ["aip:Reported", "reported", "2", "2", "0"],  # two claims
    ]


def test_the_ontology_section_counts_graphs_and_inference() -> None:
    text = run_cli("stats").stdout
    graphs = _section(text, "Triples per named graph")
    assert graphs[-1].split()[0] == "(union)"
    assert "Inferred by OWL RL: not counted (aiplus stats --inferred counts it)" in text
    inferred = run_cli("stats", "--inferred").stdout
    line = next(line for line in inferred.splitlines() if line.startswith("Inferred by OWL RL"))
    assert "triples" in line
    assert "rdf:type" in line


def test_json_has_the_same_sections() -> None:
    data = json.loads(run_cli("stats", "--format", "json").stdout)
    assert list(data) == ["articles", "classes", "hedges", "ontology", "graphs", "union_triples"]
    assert data["articles"][0] == {
        "graph": "https://w3id.org/aiplus/source/a-one",
        "name": "src:a-one",
        "triples": 9,
        "facts": 2,
        "claims": 1,
        "hedged": 1,
        "title": "Article one",
    }
    assert {c["name"] for c in data["classes"]} >= {"aip:Organisation", "aip:Claim"}
    assert not any(c["name"].startswith("owl:") for c in data["classes"])
    proposed = next(h for h in data["hedges"] if h["name"] == "aip:Proposed")
    assert (proposed["facts"], proposed["claims"], proposed["entities"]) == (2, 0, 1)
    ontology = data["ontology"]
    assert [g["name"] for g in ontology["graphs"]] == ["ontology", "reference"]
    assert any(t["name"] == "owl:Class" for t in ontology["terms"])
    assert ontology["inferred"] is None
    counted = json.loads(run_cli("stats", "--inferred", "--format", "json").stdout)
    inferred = counted["ontology"]["inferred"]
    assert inferred["triples"] == inferred["types"] + inferred["others"] > 0


def test_inferred_counts(loaded_mini: LoadedDataset) -> None:
    added = Graph()
    added.add((ID.huawei, RDF.type, URIRef("https://w3id.org/aiplus/ontology#Organisation")))
    added.add((ID.huawei, URIRef("https://w3id.org/aiplus/ontology#partnerOf"), ID.smic))
    inferred = compute_stats(loaded_mini.dataset, added).ontology.inferred
    assert inferred is not None
    assert (inferred.triples, inferred.types, inferred.others) == (2, 1, 1)


def test_the_project_counts_have_thousands_separators() -> None:
    result = run_cli("stats", root=REPO)
    assert result.exit_code == 0, result.stderr
    union = next(line for line in result.stdout.splitlines() if line.startswith("(union)"))
    assert "," in union.split()[-1]
    entities = _section(result.stdout, "Entities per class")
    assert not any(line.startswith(("owl:", "skos:")) for line in entities)
