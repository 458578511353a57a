"""SPARQL constraints in the fast validator: run for many focus nodes at once (given in a
``VALUES`` block, or for all nodes), with the results pySHACL gives running them node by
node."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from aiplus_kg import shacl_checks
from aiplus_kg.fast_shacl import validate_fast
from aiplus_kg.namespaces import SH

SHAPES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX ex: <urn:x:>
ex:Known a sh:SPARQLConstraint ;
    sh:message "{?value} has no type" ;
    sh:select \"\"\"
        SELECT $this ?path ?value WHERE {
            $this ?path ?value .
            FILTER(isIRI(?value) && STRSTARTS(STR(?value), "urn:x:e"))
            FILTER NOT EXISTS { ?value a ?anyType }
        }\"\"\" .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql ex:Known .
ex:GadgetShape a sh:NodeShape ; sh:targetClass ex:Gadget ; sh:sparql ex:Known .
"""

DATA = """
PREFIX ex: <urn:x:>
ex:e1 a ex:Thing ; ex:link ex:e2 , ex:e3 , ex:e4 ; ex:other ex:e3 .
ex:e2 a ex:Thing , ex:Gadget ; ex:link ex:e5 .
ex:e4 a ex:Gadget ; ex:link ex:e1 .
ex:e6 a ex:Gadget ; ex:link [ ex:link ex:e7 ] , ex:e8 .
"""


def _findings(report: Graph) -> set[tuple[object, ...]]:
    return {
        tuple(report.value(r, p) for p in (SH.sourceShape, SH.focusNode, SH.resultPath, SH.value))
        for r in report.objects(None, SH.result)
    }


@pytest.fixture(scope="module")
def graphs() -> tuple[Graph, Graph]:
    return Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")


@pytest.fixture(scope="module")
def reference(graphs: tuple[Graph, Graph]) -> set[tuple[object, ...]]:
    data, shapes = graphs
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return _findings(report)


def test_the_example_has_results_for_several_focus_nodes(
    reference: set[tuple[object, ...]],
) -> None:
    thing, gadget, link, other, e1, e2, e3, e5, e6, e8 = (
        URIRef(f"urn:x:{name}")
        for name in [
            "ThingShape",
            "GadgetShape",
            "link",
            "other",
            "e1",
            "e2",
            "e3",
            "e5",
            "e6",
            "e8",
        ]
    )
    assert reference == {
        (thing, e1, link, e3),
        (thing, e1, other, e3),
        (thing, e2, link, e5),
        (gadget, e2, link, e5),
        (gadget, e6, link, e8),
    }


@pytest.mark.parametrize("limit", [0, 1, 2, 5000], ids=lambda n: f"values-limit-{n}")
def test_same_results_as_pyshacl(
    graphs: tuple[Graph, Graph],
    reference: set[tuple[object, ...]],
    limit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether the query runs for the focus nodes (VALUES) or for all nodes, and for one
    shape's nodes after another's (e2 is a thing and a gadget), the results are pySHACL's
    (each once)."""
    monkeypatch.setattr(shacl_checks, "VALUES_LIMIT", limit)
    data, shapes = graphs
    results, report = validate_fast(data, shapes)
    assert _findings(report) == reference
    assert len(results) == len(reference)


def test_the_query_is_given_the_focus_nodes(
    graphs: tuple[Graph, Graph], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiplus_kg.fast_shacl import Index

    asked: list[str] = []
    select = Index.select

    def spy(self: Index, text: str, *, everything: bool = False):  # type: ignore[no-untyped-def]
        assert not everything, "a query for a few nodes keeps FILTER NOT EXISTS"
        asked.append(text)
        return select(self, text, everything=everything)

    monkeypatch.setattr(Index, "select", spy)
    data, shapes = graphs
    validate_fast(data, shapes)
    assert len(asked) == 2, "once per shape whose focus nodes are new"
    assert all("VALUES ?this {" in text for text in asked)
    assert sum(text.count("<urn:x:e2>") for text in asked) == 1, "e2 is asked about once"


SELECT = 'SELECT $this ?value WHERE { $this ?p ?value . FILTER(?value != "x") }'


def test_values_block_goes_first_in_the_group() -> None:
    nodes = [URIRef("urn:x:a"), Literal("b", lang="en")]
    assert shacl_checks._for_nodes(SELECT, nodes) == (
        'SELECT $this ?value WHERE { VALUES ?this { <urn:x:a> "b"@en }  '
        '$this ?p ?value . FILTER(?value != "x") }'
    )


@pytest.mark.parametrize(
    ("select", "nodes"),
    [
        (SELECT, [URIRef("urn:x:a"), BNode()]),
        (SELECT, [URIRef("urn:x:a b")]),
        (SELECT, [URIRef("urn:x:a>")]),
        ("PREFIX ex: <urn:x:> " + SELECT, [URIRef("urn:x:a")]),
        ('SELECT $this (CONCAT("{", ?v) AS ?value) WHERE { $this ?p ?v }', [URIRef("urn:x:a")]),
        (SELECT, [URIRef(f"urn:x:n{i}") for i in range(shacl_checks.VALUES_LIMIT + 1)]),
    ],
    ids=["blank node", "space", "angle bracket", "own prefixes", "expression", "too many"],
)
def test_values_block_not_written_when_unsafe(select: str, nodes: list[URIRef]) -> None:
    assert shacl_checks._for_nodes(select, nodes) is None


def test_a_query_over_every_node_runs_with_minus(
    graphs: tuple[Graph, Graph], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run for all nodes, the constraint's ``FILTER NOT EXISTS`` reaches pyoxigraph as
    ``MINUS`` (same results: ``values-limit-0`` above)."""
    from aiplus_kg import oxstore

    ran: list[str] = []
    select = oxstore.select

    def spy(store, text):  # type: ignore[no-untyped-def]
        ran.append(text)
        return select(store, text)

    monkeypatch.setattr(shacl_checks, "VALUES_LIMIT", 0)
    monkeypatch.setattr(oxstore, "select", spy)
    data, shapes = graphs
    validate_fast(data, shapes)
    assert len(ran) == 1
    assert "MINUS" in ran[0]
    assert "NOT EXISTS" not in ran[0]
