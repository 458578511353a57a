"""Exports write every namespace under its usual prefix: ``sd:`` for the SPARQL service
description the VoID graph uses, ``vann:``, ``dc:``..., never a made-up ``ns1:``."""

from __future__ import annotations

import re

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef

from aiplus_kg.export.serialise import serialize, usual_prefixes
from aiplus_kg.export.void import SD
from tests.support import REPO, run_cli

MADE_UP = re.compile(r"(?m)^(?:PREFIX|@prefix) (?:ns\d+|_\d+|default\d*):")


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_the_export_binds_sd_and_makes_up_no_prefix(fmt: str) -> None:
    result = run_cli("export", "--format", fmt, root=REPO)
    assert result.exit_code == 0, result.stderr
    assert MADE_UP.search(result.stdout) is None
    assert f"PREFIX sd: <{SD}>" in result.stdout
    assert "sd:name src:001-c4f603b6c01e8ba9" in result.stdout


def test_usual_prefixes() -> None:
    usual = usual_prefixes()
    assert usual["sd"] == str(SD)
    assert usual["vann"] == "http://purl.org/vocab/vann/"
    assert usual["aip"] == "https://w3id.org/aiplus/ontology#"
    assert len(set(usual.values())) == len(usual)  # one prefix per namespace


def test_namespaces_the_project_does_not_declare() -> None:
    ex = Namespace("http://example.org/things#")
    dataset = Dataset(default_union=True)
    dataset.bind("ns7", "http://purl.org/dc/elements/1.1/")  # what rdflib makes up
    dataset.bind("things", str(ex))
    graph = dataset.graph(URIRef("https://w3id.org/aiplus/source/001-x"))
    graph.add((ex.gadget, URIRef("http://purl.org/dc/elements/1.1/title"), Literal("G")))
    graph.add((ex.gadget, URIRef(f"{SD}name"), ex.gadget))
    graph.add((ex.gadget, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), ex.p))
    for fmt in ("ttl", "trig"):
        text = serialize(dataset, fmt).decode()
        assert MADE_UP.search(text) is None, text
        for prefix in ("dc", "sd", "vann", "things"):
            assert re.search(rf"(?m)^PREFIX {prefix}: <", text), (prefix, text)
        assert "things:gadget" in text
