"""`aiplus validate` on the shipped graph and on contributor files, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.load.dataset import load
from aiplus_kg.namespaces import ID, RDF, RDFS, SH, XSD
from aiplus_kg.validate.validation import Report, render_text, validate
from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[1]

BROKEN_AMOUNT = """\
@prefix aip: <https://w3id.org/aiplus/ontology#> .
@prefix id: <https://w3id.org/aiplus/id/> .
@prefix src: <https://w3id.org/aiplus/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

id:test-budget a aip:MonetaryAmount ;
    rdfs:label "test budget"@en , "budget de test"@fr ;
    aip:numericValue "5"^^xsd:decimal ;
    aip:statedIn src:001-c4f603b6c01e8ba9 .
"""


@pytest.fixture(scope="module")
def shipped() -> Report:
    return validate(load(ROOT))


def test_the_shipped_graph_conforms(shipped: Report) -> None:
    assert shipped.conforms(), render_text(shipped)
    assert shipped.inference


def test_report_summary_line(shipped: Report) -> None:
    last = render_text(shipped).splitlines()[-1]
    assert last.startswith("conforms: 0 violation(s), ")
    assert "on the OWL RL closure" in last


def test_strict_fails_on_warnings(shipped: Report) -> None:
    assert shipped.counts["Warning"] > 0, "the strict check needs a warning to fail on"
    assert not shipped.conforms(strict=True)


def test_cli_json_and_exit_code() -> None:
    result = run_cli("validate", "--format", "json", root=ROOT)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["conforms"] is True
    assert data["counts"]["Violation"] == 0


def test_cli_strict_exit_code() -> None:
    assert run_cli("validate", "--strict", root=ROOT).exit_code == 1


def test_cli_ttl_is_a_shacl_report() -> None:
    result = run_cli("validate", "--format", "ttl", "--no-inference", root=ROOT)
    assert result.exit_code == 0, result.stderr
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, None) in report


def test_contributor_file_with_a_violation(tmp_path: Path) -> None:
    path = tmp_path / "contribution.ttl"
    path.write_text(BROKEN_AMOUNT, encoding="utf-8")
    result = run_cli("validate", str(path), root=ROOT)
    assert result.exit_code == 1
    out = result.stdout
    assert "test budget (id:test-budget)" in out
    assert "contribution.ttl" in out
    assert "aip:currency" in out
    assert "ISO 4217" in out
    assert "does not conform: 1 violation(s)" in out.splitlines()[-1]


def test_contributor_file_with_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix aip: <https://w3id.org/aiplus/ontology#> .\n\naip:x aip:y .\n")
    result = run_cli("validate", str(path), root=ROOT)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aiplus: error: ")
    assert "broken.ttl:3" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_contributor_file(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope.ttl"), root=ROOT)
    assert result.exit_code == 2
    assert "nope.ttl" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_unknown_option() -> None:
    assert run_cli("validate", "--frobnicate", root=ROOT).exit_code == 2


# --- the fast validator's store, shared by its two passes ---------------------------


def _pass_triples() -> tuple[set[tuple[Node, Node, Node]], set[tuple[Node, Node, Node]]]:
    asserted = {(ID.a, ID.p, ID.b), (ID.a, RDFS.label, Literal("a", lang="en"))}
    return asserted, asserted | {(ID.a, RDF.type, ID.Thing), (ID.b, ID.q, Literal(2))}


def _store_triples(ds: object) -> set[tuple[Node, ...]]:
    from aiplus_kg.oxstore import select

    answer = select(ds, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")  # type: ignore[arg-type]
    assert not isinstance(answer, bool)
    rows = answer[1]
    assert len(rows) == len(set(rows)), "a triple found twice"
    return set(rows)  # type: ignore[arg-type]


def test_the_passes_read_one_store_the_closure_with_its_inferred_graph() -> None:
    """The asserted pass's queries read the asserted triples, the closure's read those
    and the inferred ones, each once: one store, the inferred triples in a named graph."""
    from aiplus_kg.validate.validation import INFERRED_GRAPH, _fast_passes

    loaded = load(ROOT)
    asserted, data, _, asserted_ox, closure_ox = _fast_passes(loaded)
    assert closure_ox.store is asserted_ox.store
    assert _store_triples(asserted_ox) == set(loaded.union()) == set(asserted.triples)
    assert _store_triples(closure_ox) == set(data.triples)
    assert len(data.triples) > len(asserted.triples)
    assert asserted_ox.faithful
    assert closure_ox.faithful
    stored = {q.triple for q in closure_ox.store.quads_for_pattern(None, None, None, None)}
    assert len(stored) == len(closure_ox.store) == len(data.triples)  # none in both
    named = {g.value for g in closure_ox.store.named_graphs()}
    assert named == {str(INFERRED_GRAPH)}


def test_the_asserted_pass_store_leaves_out_what_the_closure_drops() -> None:
    """A triple whose predicate is a blank node, which the closure drops as owlrl
    does, is in neither pass's data nor store."""
    from rdflib import BNode

    from aiplus_kg.validate.validation import _fast_passes

    odd = (ID.a, BNode(), ID.b)

    class Loaded:
        def union(self) -> set[tuple[Node, Node, Node]]:
            return {*_pass_triples()[0], odd}

    asserted, data, _, asserted_ox, closure_ox = _fast_passes(Loaded())  # type: ignore[arg-type]
    assert set(asserted.triples) == _pass_triples()[0] == _store_triples(asserted_ox)
    assert odd not in data.triples
    assert _store_triples(closure_ox) == set(data.triples)


def test_the_closure_pass_store_checks_the_new_literals() -> None:
    from aiplus_kg.oxstore import graph_store, layered_store

    asserted, closure = _pass_triples()
    closure.add((ID.b, ID.r, Literal("0.50", datatype=XSD.decimal)))  # stored as 0.5
    base = graph_store(list(asserted), background=True)
    layer = layered_store(base, closure - asserted, URIRef("urn:x:inferred"), background=True)
    assert not layer.faithful
    assert base.faithful


def test_fast_closure_parts() -> None:
    """The closure's given part is the caller's set itself, untouched; the inferred part
    does not meet it; together they are the whole closure."""
    from aiplus_kg.fast_reasoning import fast_closure, fast_closure_set

    asserted, _ = _pass_triples()
    kept = set(asserted)
    closure, _ = fast_closure(asserted)
    assert closure.given is asserted
    assert asserted == kept
    assert not closure.inferred.keys() & closure.given
    assert closure.inferred
    assert set(closure) == fast_closure_set(kept)[0]
    assert len(closure) == len(fast_closure_set(kept)[0])
    assert all(t in closure for t in kept)


def test_fast_closure_drops_blank_node_predicates_as_owlrl_does() -> None:
    from rdflib import BNode

    from aiplus_kg.fast_reasoning import fast_closure

    odd = (ID.a, BNode(), ID.b)
    asserted = {*_pass_triples()[0], odd}
    closure, _ = fast_closure(asserted)
    assert odd in asserted
    assert odd not in closure
    assert (ID.a, ID.p, ID.b) in closure


def test_the_fast_validator_checks_focus_nodes_in_the_data_order() -> None:
    """Focus nodes are checked, and their results listed, in the order the triples
    came: in a set's hash order every check would reach all over a large heap."""
    from aiplus_kg.fast_shacl import validate_fast

    shapes = Graph().parse(
        data="""PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX ex: <urn:x:>
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ] .""",
        format="turtle",
    )
    nodes = [ID[f"e{i}"] for i in range(60)]
    results, _ = validate_fast([(n, RDF.type, URIRef("urn:x:C")) for n in nodes], shapes)
    assert [r.focus for r in results] == nodes


def test_the_fast_validator_runs_sparql_last_and_lists_results_in_shape_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shapes that need the store (a SPARQL target, or a SPARQL constraint in a shape
    they reach) are checked after the others, which run while the store may still be
    loading; the results are listed in the shapes' order all the same."""
    from aiplus_kg import shacl_checks
    from aiplus_kg.fast_shacl import validate_fast

    shapes = Graph().parse(
        data="""PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX ex: <urn:x:>
        ex:A a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ;
            sh:select "SELECT ?this WHERE { ?this a <urn:x:C> }" ] ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        ex:B a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:N .
        ex:N a sh:NodeShape ; sh:sparql [
            sh:select "SELECT $this WHERE { $this a <urn:x:C> }" ] .
        ex:D a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:q ; sh:minCount 1 ] .""",
        format="turtle",
    )
    order: list[Node] = []
    checked = shacl_checks.Validator.validate

    def validate(self: shacl_checks.Validator, shape: object, focus: object) -> object:
        if not self._depth:
            order.append(shape.node)  # type: ignore[attr-defined]
        return checked(self, shape, focus)  # type: ignore[arg-type]

    monkeypatch.setattr(shacl_checks.Validator, "validate", validate)
    x = URIRef("urn:x:")
    results, _ = validate_fast([(ID.e, RDF.type, x + "C")], shapes)
    assert order == [x + "D", x + "A", x + "B"]
    assert [(r.component, r.path) for r in results] == [
        ("MinCountConstraintComponent", x + "p"),
        ("NodeConstraintComponent", None),
        ("MinCountConstraintComponent", x + "q"),
    ]
