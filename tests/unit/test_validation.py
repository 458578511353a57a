"""Validation of the shipped graph and of contributor files, with and without the OWL RL
closure (through the command line: ``tests/cli/test_validation.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import AIP, ID
from aiplus_kg.project import Project
from aiplus_kg.validate.report import Report, render_text
from tests.support import MINI, REPO

ROOT = REPO


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
