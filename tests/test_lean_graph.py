from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from aiplus_kg.lean_graph import lean_graph

_SHAPES = Path(__file__).resolve().parents[1] / "shapes" / "aiplus-shapes.ttl"


def _reference() -> Graph:
    return Graph().parse(_SHAPES, format="turtle")


def test_a_lean_graph_holds_the_same_triples_and_answers_the_same_patterns() -> None:
    reference = _reference()
    lean = lean_graph(reference)
    assert set(lean) == set(reference)
    assert len(lean) == len(reference)
    for s, p, o in list(reference)[::7]:
        for pattern in ((s, None, None), (None, p, None), (None, None, o), (s, p, None)):
            assert set(lean.triples(pattern)) == set(reference.triples(pattern)), pattern


def test_adding_and_removing_after_the_bulk_load() -> None:
    reference = _reference()
    lean = lean_graph(reference)
    triple = next(iter(reference))
    lean.remove(triple)
    assert triple not in lean
    assert len(lean) == len(reference) - 1
    lean.add(triple)
    assert set(lean) == set(reference)
