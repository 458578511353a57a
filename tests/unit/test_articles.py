"""Per-article checks: the key facts and hedges each article states are in its named graph.

Each ``tests/data/article-asks/<stem>/*.rq`` file is a SPARQL ASK query whose first line
(``# checks: …``) says what it checks. It must be true on the project's dataset, and false
once the article's own graph is removed, which shows that the fact comes from that article
and not from the reference data or another article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import article_graph_iri
from aiplus_kg.project import Project
from tests.support import DATA, REPO

ROOT = REPO
ASKS = DATA / "article-asks"
ASK_FILES = sorted(ASKS.glob("*/*.rq"))


@pytest.fixture(scope="module")
def project_data() -> LoadedDataset:
    return load(ROOT)


def _without(dataset: Dataset, graph_iri: object) -> Dataset:
    copy = Dataset(default_union=True)
    for graph in dataset.graphs():
        if graph.identifier != graph_iri and len(graph):
            target = copy.graph(graph.identifier)
            for triple in graph:
                target.add(triple)
    return copy


def test_every_article_has_asks() -> None:
    stems = {p.stem for p in Project(ROOT).article_files()}
    with_asks = {d.name for d in ASKS.iterdir() if d.is_dir() and any(d.glob("*.rq"))}
    assert stems == with_asks
    for stem in stems:
        assert len(list((ASKS / stem).glob("*.rq"))) >= 12, stem


@pytest.mark.parametrize("ask", ASK_FILES, ids=lambda p: f"{p.parent.name[:3]}/{p.stem}")
def test_ask_holds_and_depends_on_its_article(project_data: LoadedDataset, ask: Path) -> None:
    text = ask.read_text(encoding="utf-8")
    assert text.startswith("# checks: "), "each ASK file says what it checks on its first line"
    assert project_data.dataset.query(text).askAnswer, text.splitlines()[0]
    without = _without(project_data.dataset, article_graph_iri(ask.parent.name))
    assert not without.query(text).askAnswer, "still true without the article's graph"
