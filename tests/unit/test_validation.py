"""`aiplus validate` on the shipped graph and on contributor files, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import AIP, ID, SH
from aiplus_kg.project import Project
from aiplus_kg.validate.report import Report, render_text
from tests.support import MINI, run_cli

ROOT = Path(__file__).resolve().parents[1]

BROKEN_AMOUNT = """\
@prefix aip: <https://w3id.org/aiplus/ontology#> .
@prefix id: <https://w3id.org/aiplus/id/> .
@prefix src: <https://w3id.org/aiplus/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:test-budget a aip:MonetaryAmount ;
    rdfs:label "test budget"@en , "budget de test"@fr ;
    aip:numericValue "5"^^xsd:decimal ;
    aip:statedIn src:001-c4f603b6c01e8ba9 .
"""


@pytest.fixture(scope="module")
def shipped() -> Report:
    return KnowledgeGraph(Project(ROOT), cache=None).validate()


def test_the_shipped_graph_conforms(shipped: Report) -> None:
    assert shipped.conforms(), render_text(shipped)
    assert shipped.inference


def test_report_summary_line(shipped: Report) -> None:
    last = render_text(shipped).splitlines()[-1]
    assert last.startswith("conforms: 0 violation(s), ")
    assert "on the OWL RL closure" in last


def test_strict_fails_on_warnings(shipped: Report) -> None:
    assert shipped.counts["Warning"] > 0, "the strict check needs a warning to fail on"
    assert not shipped.conforms(strict=True)


def test_cli_json_and_exit_code() -> None:
    result = run_cli("validate", "--format", "json", root=ROOT)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["conforms"] is True
    assert data["counts"]["Violation"] == 0


def test_cli_strict_exit_code() -> None:
    assert run_cli("validate", "--strict", root=ROOT).exit_code == 1


def test_cli_ttl_is_a_shacl_report() -> None:
    result = run_cli("validate", "--format", "ttl", "--no-inference", root=ROOT)
    assert result.exit_code == 0, result.stderr
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, None) in report


def test_contributor_file_with_a_violation(tmp_path: Path) -> None:
    path = tmp_path / "contribution.ttl"
    path.write_text(BROKEN_AMOUNT, encoding="utf-8")
    result = run_cli("validate", str(path), root=ROOT)
    assert result.exit_code == 1
    out = result.stdout
    assert "test budget (id:test-budget)" in out
    assert "contribution.ttl" in out
    assert "aip:currency" in out
    assert "ISO 4217" in out
    assert "does not conform: 1 violation(s)" in out.splitlines()[-1]


def test_contributor_file_with_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix aip: <https://w3id.org/aiplus/ontology#> .\n\naip:x aip:y .\n")
    result = run_cli("validate", str(path), root=ROOT)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aiplus: error: ")
    assert "broken.ttl:3" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_contributor_file(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope.ttl"), root=ROOT)
    assert result.exit_code == 2
    assert "nope.ttl" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_unknown_option() -> None:
    assert run_cli("validate", "--frobnicate", root=ROOT).exit_code == 2


# --- the two passes ---------------------------------------------------------------


def _kg(extra: str | None = None, tmp_path: Path | None = None) -> KnowledgeGraph:
    kg = KnowledgeGraph(Project(ROOT), cache=None)
    if extra is not None and tmp_path is not None:
        path = tmp_path / "extra.ttl"
        path.write_text(extra, encoding="utf-8")
        kg.add_files([path])
    return kg


HUAWEI_HAS_NO_PARTNER = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix aip: <https://w3id.org/aiplus/ontology#> .
@prefix id: <https://w3id.org/aiplus/id/> .
[] a sh:NodeShape ; sh:targetNode id:huawei ;
   sh:property [ sh:path aip:partnerOf ; sh:maxCount 0 ] .
"""


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_shapes_see_the_types_the_closure_infers(engine: str) -> None:
    """SMIC is Huawei's partner in the files; Huawei is SMIC's by inference only
    (aip:partnerOf is symmetric): the shapes see it on the closure."""
    from aiplus_kg.reason.closure import compute_closure
    from aiplus_kg.validate.run import validate

    loaded = load(MINI)
    shapes = Graph().parse(data=HUAWEI_HAS_NO_PARTNER, format="turtle")
    assert (ID.huawei, AIP.partnerOf, ID.smic) not in loaded.union()
    closure = compute_closure(loaded.union(), engine)  # type: ignore[arg-type]
    with_closure = validate(loaded, shapes, closure, engine=engine)  # type: ignore[arg-type]
    asserted = validate(loaded, shapes, None, engine=engine)  # type: ignore[arg-type]
    assert str(ID.huawei) in {f.focus for f in with_closure.findings}
    assert str(ID.huawei) not in {f.focus for f in asserted.findings}


def test_without_inference_the_closure_is_not_computed() -> None:
    kg = _kg()
    report = kg.validate(inference=False)
    assert not report.inference
    assert "closure" not in kg.__dict__


def test_the_inconsistencies_are_violations(tmp_path: Path) -> None:
    person = """\
@prefix aip: <https://w3id.org/aiplus/ontology#> .
@prefix id: <https://w3id.org/aiplus/id/> .
id:huawei a aip:Person .
"""
    report = _kg(person, tmp_path).validate()
    clashes = [f for f in report.findings if f.component == "OWLRLConsistency"]
    assert clashes
    assert clashes[0].severity == "Violation"
    assert clashes[0].focus == str(ID.huawei)
    assert "Huawei (id:huawei)" in clashes[0].message
