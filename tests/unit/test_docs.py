"""``aiplus docs``: the HTML documentation of the ontology."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from aiplus_kg.errors import InputError
from aiplus_kg.namespaces import AIP, ONTOLOGY_GRAPH, OWL, RDF, RDFS, SKOS, curie
from aiplus_kg.project import Project
from aiplus_kg.views.docs import anchor, build_docs, default_output, documented_terms, ontology_html
from tests.query_support import ROOT, project_dataset

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return project_dataset().graph(ONTOLOGY_GRAPH)


@pytest.fixture(scope="module")
def page(ontology: Graph) -> ET.Element:
    return ET.fromstring(ontology_html(ontology))


def _sections(page: ET.Element) -> dict[str, ET.Element]:
    return {s.get("id", ""): s for s in page.iter(f"{XHTML}section") if s.get("class") == "term"}


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _row(section: ET.Element, heading: str) -> ET.Element | None:
    for row in section.iter(f"{XHTML}tr"):
        th, td = row.find(f"{XHTML}th"), row.find(f"{XHTML}td")
        if th is not None and td is not None and _text(th) == heading:
            return td
    return None


def _hrefs(cell: ET.Element | None) -> set[str]:
    return set() if cell is None else {a.get("href", "") for a in cell.iter(f"{XHTML}a")}


def _target(term: URIRef, terms: set[URIRef]) -> str:
    return f"#{anchor(term)}" if term in terms else str(term)


def test_every_term_has_a_section_with_its_labels_and_definition(
    ontology: Graph, page: ET.Element
) -> None:
    sections = _sections(page)
    terms = documented_terms(ontology)
    assert len(terms) == 189  # 180 aip: terms and 9 annotation properties declared
    assert len(sections) == len(terms)
    for term in terms:
        section = sections[anchor(term)]
        text = _text(section)
        assert curie(str(term)) in text
        assert str(term) in text
        for value in ontology.objects(term, RDFS.label):
            assert " ".join(str(value).split()) in text, (term, value)
        for value in ontology.objects(term, SKOS.definition):
            assert " ".join(str(value).split()) in text, (term, value)


def test_properties_show_domain_range_and_inverse(ontology: Graph, page: ET.Element) -> None:
    sections = _sections(page)
    terms = set(documented_terms(ontology))
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert len(properties) == 96
    for prop in properties:
        section = sections[anchor(prop)]
        for heading, predicate in (("Domain", RDFS.domain), ("Range", RDFS.range)):
            wanted = {_target(t, terms) for t in ontology.objects(prop, predicate)}
            assert _hrefs(_row(section, heading)) == wanted, (prop, heading)
        inverse = {_target(t, terms) for t in ontology.objects(prop, OWL.inverseOf)}
        assert inverse <= _hrefs(_row(section, "Inverse of"))
    uses = sections["usesChip"]
    assert _hrefs(_row(uses, "Domain")) == {"#AISystem"}
    assert _hrefs(_row(uses, "Range")) == {"#Chip"}
    assert _hrefs(_row(uses, "Subproperties")) == {"#runsOn", "#trainedOn"}


def test_classes_show_hierarchy_restrictions_and_disjointness(page: ET.Element) -> None:
    sections = _sections(page)
    municipal = sections["MunicipalGovernmentBody"]
    superclasses = _row(municipal, "Superclasses")
    assert superclasses is not None
    assert "has government level value municipal level" in _text(superclasses)
    assert _hrefs(_row(municipal, "Disjoint with")) == {
        "#NationalGovernmentBody",
        "#ProvincialGovernmentBody",
    }
    chip = sections["Chip"]
    assert "#usesChip" in _hrefs(_row(chip, "Range of"))
    tree = next(e for e in page.iter(f"{XHTML}h2") if e.get("id") == "class-tree")
    assert tree is not None


def test_every_link_to_an_anchor_resolves(page: ET.Element) -> None:
    ids = {e.get("id") for e in page.iter() if e.get("id")}
    hrefs = {a.get("href", "") for a in page.iter(f"{XHTML}a")}
    missing = {h for h in hrefs if h.startswith("#") and h[1:] not in ids}
    assert not missing


def test_page_is_the_same_from_run_to_run(ontology: Graph) -> None:
    assert ontology_html(ontology) == ontology_html(ontology)


def test_labels_are_escaped() -> None:
    graph = Graph()
    term = AIP.Tricky
    graph.add((term, RDF.type, OWL.Class))
    graph.add((term, RDFS.label, Literal("<b>bold</b> & co", lang="en")))
    text = ontology_html(graph)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text
    ET.fromstring(text)


def test_clashing_anchors_are_refused() -> None:
    graph = Graph()
    graph.add((URIRef("http://example.org/a/x-y"), RDF.type, OWL.Class))
    graph.add((URIRef("http://example.org/b/x.y"), RDF.type, OWL.Class))
    graph.add((URIRef("http://example.org/b/x-y"), RDF.type, OWL.Class))
    with pytest.raises(InputError, match="share the anchor"):
        ontology_html(graph)


def test_default_output_is_never_inside_an_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_output(Project(ROOT, "cwd")) == ROOT / "build" / "docs"
    assert default_output(Project(ROOT, "bundled")) == tmp_path / "build" / "docs"


def test_build_docs_reports_what_it_wrote(ontology: Graph, tmp_path: Path) -> None:
    result = build_docs(ontology, tmp_path / "out")
    assert result.terms == len(documented_terms(ontology))
    assert result.size == result.index.stat().st_size
