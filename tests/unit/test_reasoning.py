"""The OWL RL closure and its inconsistencies, by either engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from aiplus_kg.load.dataset import LoadedDataset, load
from aiplus_kg.namespaces import AIP, ID, OWL, RDF, RDFS, XSD
from aiplus_kg.reason.closure import compute_closure, inconsistencies

ENGINES = ["fast", "reference"]


@pytest.mark.parametrize("engine", ENGINES)
def test_closure_infers_without_touching_its_input(loaded_mini: LoadedDataset, engine: str) -> None:
    union = loaded_mini.union()
    before = set(union)
    closure = compute_closure(union, engine)  # type: ignore[arg-type]
    assert set(union) == before
    assert (ID.huawei, RDF.type, AIP.Organisation) in closure.inferred  # subClassOf
    assert (ID.huawei, AIP.partnerOf, ID.smic) in closure.inferred  # symmetric
    assert (ID.huawei, RDF.type, AIP.Organisation) not in closure.given
    assert not set(closure.given) & set(closure.inferred)


@pytest.mark.parametrize("engine", ENGINES)
def test_mini_is_consistent(loaded_mini: LoadedDataset, engine: str) -> None:
    assert inconsistencies(compute_closure(loaded_mini.union(), engine)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_disjoint_classes_clash_named_by_label(mini_copy: Path, engine: str) -> None:
    article = mini_copy / "graph" / "articles" / "a-two.ttl"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nid:huawei a aip:Person .\n", encoding="utf-8"
    )
    problems = inconsistencies(compute_closure(load(mini_copy).union(), engine))  # type: ignore[arg-type]
    assert problems
    assert any(
        "Huawei (id:huawei)" in p and "organisation (aip:Organisation)" in p for p in problems
    )
    assert all("https://" not in p for p in problems)


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_and_same_as_clashes(engine: str) -> None:
    graph = Graph()
    graph.add((ID.a, RDF.type, OWL.Nothing))
    graph.add((ID.b, OWL.sameAs, ID.c))
    graph.add((ID.b, OWL.differentFrom, ID.c))
    closure = compute_closure(graph, engine)  # type: ignore[arg-type]
    assert closure.errors
    problems = inconsistencies(closure)
    assert any("id:a" in p and "Nothing" in p for p in problems)
    assert any("sameAs" in p and "id:b" in p and "id:c" in p for p in problems)


def test_error_records_are_not_left_in_the_reference_closure() -> None:
    from owlrl.Namespaces import ERRNS

    closure = compute_closure([(ID.a, RDF.type, OWL.Nothing)], "reference")
    assert closure.errors
    assert not any(str(t).startswith(str(ERRNS)) for triple in closure for t in triple)


def test_plain_literals_stay_plain() -> None:
    """reasonable hands a plain literal back as an xsd:string one, which rdflib keeps
    apart: the closure must not hold the literal twice."""
    given = [
        (ID.a, AIP.summary, Literal("text")),
        (AIP.summary, RDFS.subPropertyOf, AIP.note),
    ]
    closure = compute_closure(given, "fast")
    assert (ID.a, AIP.note, Literal("text")) in closure.inferred
    assert not any(
        isinstance(o, Literal) and o.datatype == XSD.string for _, _, o in closure.inferred
    )


def test_literals_typed_xsd_string_in_the_input_stay_so() -> None:
    typed = Literal("text", datatype=XSD.string)
    given = [(ID.a, AIP.summary, typed), (AIP.summary, RDFS.subPropertyOf, AIP.note)]
    closure = compute_closure(given, "fast")
    assert (ID.a, AIP.note, typed) in closure.inferred


def test_the_closure_reuses_the_terms_given() -> None:
    huawei = URIRef(str(ID.huawei))
    given = [(huawei, RDF.type, AIP.Firm), (AIP.Firm, RDFS.subClassOf, AIP.Organisation)]
    closure = compute_closure(given, "fast")
    inferred = [s for s, p, o in closure.inferred if o == AIP.Organisation]
    assert inferred
    assert inferred[0] is huawei


@pytest.mark.parametrize("engine", ENGINES)
def test_what_no_command_uses_is_left_out(engine: str) -> None:
    """Literal subjects, reflexive owl:sameAs and blank-node predicates (owlrl drops
    them) are not in the fast closure."""
    odd = BNode()
    given = [
        (ID.a, AIP.numericValue, Literal("1.5", datatype=XSD.decimal)),
        (ID.a, odd, ID.b),
    ]
    closure = compute_closure(given, engine)  # type: ignore[arg-type]
    assert (ID.a, odd, ID.b) not in closure
    if engine == "fast":
        assert not any(isinstance(s, Literal) for s, _, _ in closure)
        assert not any(p == OWL.sameAs and s == o for s, p, o in closure)


@pytest.mark.parametrize(("value", "datatype"), [("1", XSD.dateTimeStamp), ("a b", XSD.Name)])
def test_a_literal_owlrl_finds_ill_typed_is_an_inconsistency(value: str, datatype: URIRef) -> None:
    """rdflib accepts these lexical forms; owlrl's datatype table does not."""
    given = [(ID.a, AIP.numericValue, Literal(value, datatype=datatype))]
    fast = compute_closure(given, "fast").errors
    assert fast == compute_closure(given, "reference").errors
    assert any("Lexical value of the literal" in e for e in fast)
