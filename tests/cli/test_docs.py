"""``aiplus docs``: where the command writes the HTML documentation of the ontology."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from rdflib import Graph

from aiplus_kg.load.terms import label
from aiplus_kg.namespaces import AIP
from aiplus_kg.views.docs import anchor, documented_terms
from tests.query_support import ROOT, project_dataset
from tests.support import run_cli

XHTML = "{http://www.w3.org/1999/xhtml}"


def _sections(page: ET.Element) -> dict[str, ET.Element]:
    return {s.get("id", ""): s for s in page.iter(f"{XHTML}section") if s.get("class") == "term"}


def test_cli_writes_build_docs_under_the_root(mini_copy: Path) -> None:
    result = run_cli("docs", root=mini_copy)
    assert result.exit_code == 0, result.stderr
    index = mini_copy / "build" / "docs" / "index.html"
    assert result.stdout.startswith("wrote build/docs/index.html: ")
    page = ET.parse(index).getroot()
    assert set(_sections(page)) == {"Chip", "Claim", "Company", "Hedge", "Organisation"} | {
        anchor(t) for t in documented_terms(Graph().parse(mini_copy / "ontology" / "aiplus.ttl"))
    }
    assert [p.name for p in index.parent.iterdir()] == ["index.html"]


def test_cli_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "site" / "ontology"
    result = run_cli("docs", "-o", str(target), root=ROOT)
    assert result.exit_code == 0, result.stderr
    assert "189 terms" in result.stdout
    text = (target / "index.html").read_text(encoding="utf-8")
    assert "<title>AI+ knowledge graph ontology</title>" in text
    assert label(project_dataset(), AIP.Chip) == "chip"


def test_cli_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    result = run_cli("docs", "-o", str(target), root=ROOT)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "x"
