"""The fast engine (reasonable, pyshacl-turbo, pyoxigraph) gives the answers of the
reference one (owlrl, pySHACL, rdflib) on the shipped graph, on every contributor
example at once (with a disjoint-class clash), on the mutants of the mutation test at
once, and on a generated graph of 10 000 triples: the same validation findings, the same
inconsistencies, the same exported inferred graph and the same saved-query results.

Each case is one test, which runs the reference engine (seconds to tens of seconds) on
the case once and compares all it gives.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import Dataset

from aiplus_kg.export.serialise import INFERRED_GRAPH, export_dataset
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.namespaces import AIP, ID, RDF, SRC
from aiplus_kg.project import Project
from tests.support import DATA, REPO

pytestmark = pytest.mark.slow

CLASH_GRAPH = SRC["999-0000000000000000"]  # the made-up article of the examples
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
            # and an inconsistency: a firm said to be a person (disjoint classes)
            kg.dataset.graph(CLASH_GRAPH).add((ID.huawei, RDF.type, AIP.Person))
        elif case == "mutants":
            _mutate(kg.dataset)
        graphs.append(kg)
    return graphs[0], graphs[1]


def _inferred(kg: KnowledgeGraph) -> set[object]:
    export = export_dataset(kg.dataset, inferred=True, engine=kg.engine)
    return set(export.graph(INFERRED_GRAPH))


@pytest.mark.parametrize("case", ["shipped", "examples", "mutants", "10k"])
def test_same_answers(case: str, generated: Path) -> None:
    """The same findings and inconsistencies in every case; on the shipped and the
    generated graph, the same exported inferred graph; on the shipped graph, the same
    saved-query results."""
    reference, fast = _both(case, generated)
    expected = reference.validate()
    found = fast.validate()
    assert found.findings == expected.findings
    assert fast.closure.errors == reference.closure.errors
    assert fast.check() == reference.check()
    if case in ("examples", "mutants"):
        violations = {f.component for f in found.findings if f.severity == "Violation"}
        # the comparison has mistakes of several kinds to compare
        assert "SPARQLConstraintComponent" in violations
        assert len(violations) >= 5, violations
    if case == "examples":
        problems = fast.check().problems
        assert any("Disjoint classes" in p and "id:huawei" in p for p in problems), problems
    if case in ("shipped", "10k"):
        inferred = _inferred(fast)
        assert inferred
        assert inferred == _inferred(reference)
    if case == "shipped":
        queries = fast.saved_queries()
        assert len(queries) >= 20
        for query in queries:
            wanted, answer = reference.query(query), fast.query(query)
            assert answer.results.rows, f"{query.name} returns no row"
            assert answer.results == wanted.results, query.name
            assert answer.bindings == wanted.bindings, query.name
        assert fast.store.faithful  # the fast engine did run them on pyoxigraph
