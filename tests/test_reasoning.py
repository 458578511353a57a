from __future__ import annotations

from pathlib import Path

from owlrl.Namespaces import ERRNS
from rdflib import Graph

from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import AIP, ID, OWL, RDF
from aiplus_kg.reason.closure import closure, closure_with_errors, inconsistencies


def test_closure_infers_on_a_copy(loaded_mini: LoadedDataset) -> None:
    before = len(loaded_mini.dataset)
    inferred = closure(loaded_mini.dataset)
    assert len(loaded_mini.dataset) == before
    assert (ID.huawei, RDF.type, AIP.Organisation) in inferred  # subClassOf
    assert (ID.huawei, AIP.partnerOf, ID.smic) in inferred  # symmetric
    assert (ID.huawei, RDF.type, AIP.Organisation) not in loaded_mini.dataset


def test_mini_is_consistent(loaded_mini: LoadedDataset) -> None:
    assert inconsistencies(loaded_mini.dataset) == []


def test_disjoint_classes_clash_named_by_label(mini_copy: Path) -> None:
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nid:huawei a aip:Person .\n", encoding="utf-8"
    )
    problems = inconsistencies(load(mini_copy).dataset)
    assert problems
    assert any(
        "Huawei (id:huawei)" in p and "organisation (aip:Organisation)" in p for p in problems
    )
    assert all("https://" not in p for p in problems)


def test_nothing_and_same_as_clashes() -> None:
    graph = Graph()
    graph.add((ID.a, RDF.type, OWL.Nothing))
    graph.add((ID.b, OWL.sameAs, ID.c))
    graph.add((ID.b, OWL.differentFrom, ID.c))
    _, raw = closure_with_errors(graph)
    assert raw
    problems = inconsistencies(graph)
    assert any("id:a" in p and "Nothing" in p for p in problems)
    assert any("sameAs" in p and "id:b" in p and "id:c" in p for p in problems)


def test_error_records_are_not_left_in_the_closure() -> None:
    graph = Graph()
    graph.add((ID.a, RDF.type, OWL.Nothing))
    inferred, _ = closure_with_errors(graph)
    assert not any(str(t).startswith(str(ERRNS)) for triple in inferred for t in triple)
