"""The fast engine (reasonable, pyshacl-turbo, pyoxigraph) gives the answers of the
reference one (owlrl, pySHACL, rdflib) on the shipped graph, on every contributor
example at once, on the mutants of the mutation test at once, and on a generated graph
of 10 000 triples: the same validation findings, the same inconsistencies, the same
exported inferred graph and the same saved-query results.

Each case runs the reference engine once (seconds to tens of seconds): the cases are
separate tests, so that parallel workers share them out.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import Dataset

from aiplus_kg.export.serialise import INFERRED_GRAPH, export_dataset
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.project import Project
from tests.support import DATA, REPO

pytestmark = pytest.mark.slow

EXAMPLES = sorted([*(DATA / "invalid").glob("*.ttl"), *(DATA / "valid").glob("*.ttl")])


def _mutate(dataset: Dataset) -> None:
    """Every mutant of the mutation test at once (where two touch the same triple, the
    first one wins)."""
    from tests.unit.test_mutations import MUTANTS

    for mutant in MUTANTS:
        if all(triple in dataset for triple in mutant.remove):
            for triple in mutant.remove:
                dataset.remove(triple)
            for s, p, o, g in mutant.add:
                dataset.graph(g).add((s, p, o))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project of 10 000 triples (bench/generate.py), made once."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    out = tmp_path_factory.mktemp("generated") / "10k"
    generate.generate(out, 10_000, seed=1, root=REPO)
    return out


def _both(case: str, generated: Path) -> tuple[KnowledgeGraph, KnowledgeGraph]:
    root = generated if case == "10k" else REPO
    graphs = []
    for engine in ("reference", "fast"):
        kg = KnowledgeGraph(Project(root), engine=engine, cache=None)
        if case == "examples":
            kg.add_files(EXAMPLES)
        elif case == "mutants":
            _mutate(kg.dataset)
        graphs.append(kg)
    return graphs[0], graphs[1]


@pytest.mark.parametrize("case", ["shipped", "examples", "mutants", "10k"])
def test_same_findings_and_inconsistencies(case: str, generated: Path) -> None:
    reference, fast = _both(case, generated)
    expected = reference.validate()
    found = fast.validate()
    assert found.findings == expected.findings
    assert fast.closure.errors == reference.closure.errors
    assert fast.check() == reference.check()
    if case in ("examples", "mutants"):
        violations = {f.component for f in found.findings if f.severity == "Violation"}
        # the comparison has mistakes of several kinds to compare
        assert {"SPARQLConstraintComponent", "OWLRLConsistency"} & violations
        assert len(violations) >= 5, violations


def test_the_inconsistencies_are_compared(tmp_path: Path) -> None:
    person = tmp_path / "clash.ttl"
    person.write_text(
        "@prefix aip: <https://w3id.org/aiplus/ontology#> .\n"
        "@prefix id: <https://w3id.org/aiplus/id/> .\nid:huawei a aip:Person .\n",
        encoding="utf-8",
    )
    checks = []
    for engine in ("reference", "fast"):
        kg = KnowledgeGraph(Project(REPO), engine=engine, cache=None)
        kg.add_files([person])
        checks.append(kg.check())
    assert checks[0] == checks[1]
    assert any("Disjoint classes" in p and "id:huawei" in p for p in checks[1].problems)


@pytest.mark.parametrize("case", ["shipped", "10k"])
def test_same_inferred_graph(case: str, generated: Path) -> None:
    reference, fast = _both(case, generated)
    graphs = [
        set(export_dataset(kg.dataset, inferred=True, engine=kg.engine).graph(INFERRED_GRAPH))
        for kg in (reference, fast)
    ]
    assert graphs[1]
    assert graphs[1] == graphs[0]


def test_same_saved_query_results() -> None:
    reference = KnowledgeGraph(Project(REPO), engine="reference", cache=None)
    fast = KnowledgeGraph(Project(REPO), engine="fast", cache=None)
    queries = fast.saved_queries()
    assert len(queries) >= 20
    for query in queries:
        expected, found = reference.query(query), fast.query(query)
        assert found.results.rows, f"{query.name} returns no row"
        assert found.results == expected.results, query.name
        assert found.bindings == expected.bindings, query.name
    assert fast.store.faithful  # the fast engine did run them on pyoxigraph
