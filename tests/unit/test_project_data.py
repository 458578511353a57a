"""Checks on the project's own data (ontology/, graph/), not on test fixtures."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from aiplus_kg.export.serialise import serialize
from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import ONTOLOGY_GRAPH, RDFS, REFERENCE_GRAPH, article_graph_iri
from aiplus_kg.project import Project
from aiplus_kg.reason.closure import compute_closure, inconsistencies
from tests.support import REPO

ROOT = REPO


@pytest.fixture(scope="module")
def project_data() -> LoadedDataset:
    return load(ROOT)


def test_every_article_file_is_a_named_graph(project_data: LoadedDataset) -> None:
    stems = [p.stem for p in Project(ROOT).article_files()]
    assert stems
    assert project_data.article_graphs == sorted(article_graph_iri(s) for s in stems)


def test_every_article_has_a_source_entry(project_data: LoadedDataset) -> None:
    reference = project_data.graph(REFERENCE_GRAPH)
    missing = [
        str(iri) for iri in project_data.article_graphs if (iri, RDFS.label, None) not in reference
    ]
    assert missing == [], "add these sources to graph/reference/sources.ttl"


def test_owl_rl_closure_is_consistent(project_data: LoadedDataset) -> None:
    assert inconsistencies(compute_closure(project_data.union())) == []


def test_nq_export_has_one_named_graph_per_article(project_data: LoadedDataset) -> None:
    parsed = Dataset()
    parsed.parse(data=serialize(project_data.dataset, "nq"), format="nquads")
    names = {g.identifier for g in parsed.graphs() if len(g)}
    expected = {article_graph_iri(p.stem) for p in Project(ROOT).article_files()}
    assert names - {ONTOLOGY_GRAPH, REFERENCE_GRAPH} == expected
    assert ONTOLOGY_GRAPH in names
