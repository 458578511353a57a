"""``aiplus describe-dataset``: the VoID and DCAT description, on standard output or in a
file, with a SPARQL endpoint; a bad endpoint is exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef

from aiplus_kg.export.void import DATASET_IRI
from aiplus_kg.namespaces import RDF, VOID
from tests.query_support import ROOT
from tests.support import run_cli

ENDPOINT = "http://127.0.0.1:7878/sparql"


def test_cli(tmp_path: Path) -> None:
    result = run_cli("describe-dataset", root=ROOT)
    assert result.exit_code == 0, result.stderr
    parsed = Graph().parse(data=result.stdout, format="turtle")
    assert (DATASET_IRI, RDF.type, VOID.Dataset) in parsed

    target = tmp_path / "void.jsonld"
    result = run_cli(
        "describe-dataset",
        "--format",
        "jsonld",
        "--endpoint",
        ENDPOINT,
        "-o",
        str(target),
        root=ROOT,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert "@context" in data
    parsed = Graph().parse(target, format="json-ld")
    assert parsed.value(DATASET_IRI, VOID.sparqlEndpoint) == URIRef(ENDPOINT)


def test_cli_bad_endpoint(tmp_path: Path) -> None:
    target = tmp_path / "void.ttl"
    result = run_cli("describe-dataset", "--endpoint", "localhost:80", "-o", str(target), root=ROOT)
    assert result.exit_code == 2
    assert result.stderr == "aiplus: error: --endpoint must be an http(s) URL, got 'localhost:80'\n"
    assert not target.exists()
