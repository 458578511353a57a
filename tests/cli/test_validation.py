"""``aiplus validate`` through the command line: the shipped graph, output formats,
exit codes, and contributor files."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from aiplus_kg.namespaces import SH
from tests.support import REPO, run_cli

ROOT = REPO

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
