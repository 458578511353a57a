"""The knowledge graph object: one per project and engine, owning what it derives."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiplus_kg import knowledge_graph
from aiplus_kg.errors import InputError
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.load.store import Store
from aiplus_kg.project import Project
from tests.support import MINI


def test_the_default_engine_is_fast() -> None:
    kg = KnowledgeGraph(Project(MINI))
    assert kg.engine == "fast"


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(InputError, match="unknown engine 'turbo'"):
        KnowledgeGraph(Project(MINI), engine="turbo")


def test_two_graphs_live_side_by_side() -> None:
    """Nothing is global: a reference graph beside a fast one keeps its engine."""
    fast = KnowledgeGraph(Project(MINI), engine="fast", cache=None)
    reference = KnowledgeGraph(Project(MINI), engine="reference")
    assert (fast.engine, reference.engine) == ("fast", "reference")
    assert fast.check() == reference.check()
    assert reference.cache is None  # the reference engine never reads a cache


def test_fallback_when_a_fast_package_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_graph, "fast_unavailable", lambda: "reasonable is not installed")
    notices: list[str] = []
    kg = KnowledgeGraph(Project(MINI), notice=notices.append)
    assert kg.engine == "reference"
    assert kg.engine == "reference"
    assert len(notices) == 1
    assert "reasonable is not installed" in notices[0]
    assert "reference engine" in notices[0]


def test_what_is_derived_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    kg = KnowledgeGraph(Project(MINI), cache=None)
    assert kg.loaded is kg.loaded
    assert kg.closure is kg.closure
    assert kg.store is kg.store


def test_added_files_make_everything_again(tmp_path: Path) -> None:
    kg = KnowledgeGraph(Project(MINI), cache=None)
    before = (kg.loaded, kg.closure, kg.store)
    extra = tmp_path / "a-three.ttl"
    extra.write_text(
        "@prefix id: <https://w3id.org/aiplus/id/> .\n"
        "@prefix aip: <https://w3id.org/aiplus/ontology#> .\n"
        "id:nokia a aip:Firm .\n",
        encoding="utf-8",
    )
    assert [str(i) for i in kg.add_files([extra])] == ["https://w3id.org/aiplus/source/a-three"]
    assert (kg.loaded, kg.closure, kg.store) != before
    assert any("nokia" in str(s) for s, _, _ in kg.closure.given)


def test_a_query_the_store_would_answer_otherwise_goes_to_rdflib(mini_copy: Path) -> None:
    """pyoxigraph would store "0.50" as "0.5": the fast engine runs the query on rdflib."""
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(
        article.read_text(encoding="utf-8")
        + '\nid:huawei aip:numericValue "0.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
        encoding="utf-8",
    )
    query = mini_copy / "queries" / "values.rq"
    query.parent.mkdir()
    query.write_text(
        "#+ summary: numbers\n"
        "SELECT ?v WHERE { ?s <https://w3id.org/aiplus/ontology#numericValue> ?v } ORDER BY ?v\n",
        encoding="utf-8",
    )
    kg = KnowledgeGraph(Project(mini_copy), cache=None)
    run = kg.query("values")
    assert [str(row[0]) for row in run.results.rows] == ["0.50"]
    assert not kg.store.faithful
    assert not isinstance(run.labels, Store)


def test_a_faithful_store_answers_the_saved_queries() -> None:
    kg = KnowledgeGraph(Project(MINI), cache=None)
    for query in kg.saved_queries():
        assert isinstance(kg.query(query).labels, Store)
