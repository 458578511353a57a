"""The closure by parts (the reasoner on the schema, the instance rules on the rest) is
the closure the reasoner makes of the whole graph, and the whole graph goes to the
reasoner whenever the parts would not give the same.

Both are compared as the rest of the pipeline uses them: ``owl:Thing`` typings aside
(they are recomputed afterwards) and reflexive ``owl:sameAs`` aside (dropped before
any use).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from aiplus_kg import fast_reasoning
from aiplus_kg.instance_rules import NotSimpleError, is_schema_triple, split
from aiplus_kg.load.dataset import load, load_extra
from aiplus_kg.namespaces import AIP, ID, OWL, RDF, RDFS, XSD
from tests.support import DATA
from tests.test_bench import _module

ROOT = Path(__file__).resolve().parents[1]
Triple = tuple[Node, Node, Node]
EX = "https://example.org/"


def _both(given: Iterable[Triple]) -> tuple[set[Triple], set[Triple]]:
    """(by parts, at once) for ``given``, compared as the pipeline uses them."""
    given = dict.fromkeys(given)
    extra, _ = fast_reasoning._one_time_rules(given)
    parts, _ = fast_reasoning._by_parts(given, extra)
    whole = fast_reasoning._at_once(given, extra)
    return _kept(parts), _kept(whole)


def _kept(triples: Iterable[Triple]) -> set[Triple]:
    return {
        (s, p, o)
        for s, p, o in triples
        if not (p == RDF.type and o == OWL.Thing) and not (p == OWL.sameAs and s == o)
    }


def _ex(name: str) -> URIRef:
    return URIRef(EX + name)


# --- the project's own graphs --------------------------------------------------------

SIMPLE_EXAMPLES = [
    "invalid/invalid-jurisdiction-not-a-province.ttl",
    "invalid/invalid-class-typo.ttl",
    "invalid/invalid-conflicting-dates.ttl",
    "invalid/invalid-boolean-as-string.ttl",
    "valid/valid-hedged-claim.ttl",
]


@pytest.mark.parametrize("job", ["", *SIMPLE_EXAMPLES], ids=["shipped", *SIMPLE_EXAMPLES])
def test_project_closure_by_parts_is_the_whole_one(job: str) -> None:
    loaded = load(ROOT)
    if job:
        load_extra(loaded, [DATA / job])
    parts, whole = _both(loaded.union())
    assert len(parts) > len(loaded.union()) // 2  # something was inferred
    assert parts == whole


def test_generated_closure_by_parts_is_the_whole_one(tmp_path: Path) -> None:
    """The synthetic graphs the speed is measured on take the same way."""
    out = tmp_path / "small"
    _module("generate").generate(out, 6500, seed=3)
    parts, whole = _both(load(out).union())
    assert parts == whole


def test_two_holders_of_a_functional_post_go_to_the_reasoner() -> None:
    loaded = load(ROOT)
    load_extra(loaded, [DATA / "invalid/invalid-position-two-holders.ttl"])
    given = loaded.union()
    extra, _ = fast_reasoning._one_time_rules(given)
    with pytest.raises(NotSimpleError, match="functional"):
        fast_reasoning._by_parts(given, extra)


# --- each rule ------------------------------------------------------------------------

R1, R2, R3 = BNode("r1"), BNode("r2"), BNode("r3")
SCHEMA: list[Triple] = [
    (_ex("Agent"), RDF.type, OWL.Class),
    (_ex("Organisation"), RDFS.subClassOf, _ex("Agent")),
    (_ex("Firm"), RDFS.subClassOf, _ex("Organisation")),
    (_ex("Company"), OWL.equivalentClass, _ex("Firm")),
    (_ex("Place"), RDF.type, OWL.Class),
    (_ex("relatedTo"), RDF.type, OWL.ObjectProperty),
    (_ex("relatedTo"), RDFS.domain, _ex("Agent")),
    (_ex("partnerOf"), RDFS.subPropertyOf, _ex("relatedTo")),
    (_ex("partnerOf"), RDF.type, OWL.SymmetricProperty),
    (_ex("allyOf"), OWL.equivalentProperty, _ex("partnerOf")),
    (_ex("owns"), RDFS.domain, _ex("Firm")),
    (_ex("owns"), OWL.inverseOf, _ex("ownedBy")),
    (_ex("partOf"), RDF.type, OWL.TransitiveProperty),
    (_ex("partOf"), RDFS.range, _ex("Place")),
    (_ex("hasPart"), OWL.inverseOf, _ex("partOf")),
    (_ex("founded"), RDFS.range, XSD.gYear),
    (_ex("level"), RDF.type, OWL.ObjectProperty),
    (R1, RDF.type, OWL.Restriction),
    (R1, OWL.onProperty, _ex("level")),
    (R1, OWL.hasValue, _ex("national")),
    (_ex("Ministry"), RDFS.subClassOf, R1),
    (R2, RDF.type, OWL.Restriction),
    (R2, OWL.onProperty, _ex("level")),
    (R2, OWL.hasValue, _ex("local")),
    (_ex("LocalBody"), OWL.equivalentClass, R2),
    (_ex("LocalBody"), RDFS.subClassOf, _ex("Organisation")),
    (_ex("code"), RDF.type, OWL.FunctionalProperty),
]
DATA_TRIPLES: list[Triple] = [
    (_ex("huawei"), RDF.type, _ex("Company")),
    (_ex("huawei"), _ex("allyOf"), _ex("deepseek")),
    (_ex("huawei"), _ex("owns"), _ex("hisilicon")),
    (_ex("huawei"), _ex("founded"), Literal("1987", datatype=XSD.gYear)),
    (_ex("huawei"), _ex("code"), Literal("HW")),
    (_ex("huawei"), _ex("code"), Literal("HW")),
    (_ex("shenzhen"), _ex("partOf"), _ex("guangdong")),
    (_ex("guangdong"), _ex("partOf"), _ex("china")),
    (_ex("china"), _ex("partOf"), _ex("asia")),
    (_ex("asia"), _ex("hasPart"), _ex("east-asia")),
    (_ex("asia"), _ex("partOf"), _ex("world")),
    (_ex("miit"), RDF.type, _ex("Ministry")),
    (_ex("city-office"), _ex("level"), _ex("local")),
    (_ex("huawei"), RDFS.label, Literal("Huawei", lang="en")),
]


def test_each_instance_rule_agrees_with_the_reasoner() -> None:
    parts, whole = _both([*SCHEMA, *DATA_TRIPLES])
    expected = {
        (_ex("huawei"), RDF.type, _ex("Firm")),  # cax-eqc
        (_ex("huawei"), RDF.type, _ex("Agent")),  # cax-sco, twice
        (_ex("huawei"), _ex("partnerOf"), _ex("deepseek")),  # prp-eqp
        (_ex("deepseek"), _ex("partnerOf"), _ex("huawei")),  # prp-symp
        (_ex("deepseek"), _ex("relatedTo"), _ex("huawei")),  # prp-spo1 of the symmetric one
        (_ex("deepseek"), RDF.type, _ex("Agent")),  # prp-dom of the super-property
        (_ex("hisilicon"), _ex("ownedBy"), _ex("huawei")),  # prp-inv
        (_ex("shenzhen"), _ex("partOf"), _ex("asia")),  # prp-trp
        (_ex("east-asia"), _ex("partOf"), _ex("asia")),  # prp-inv, then prp-rng
        (_ex("east-asia"), _ex("partOf"), _ex("world")),  # prp-trp after prp-inv
        (_ex("world"), _ex("hasPart"), _ex("shenzhen")),  # prp-inv after prp-trp
        (_ex("china"), RDF.type, _ex("Place")),  # prp-rng
        (Literal("1987", datatype=XSD.gYear), RDF.type, XSD.gYear),  # prp-rng on a literal
        (_ex("miit"), _ex("level"), _ex("national")),  # cls-hv1
        (_ex("city-office"), RDF.type, R2),  # cls-hv2
        (_ex("city-office"), RDF.type, _ex("LocalBody")),  # cax-eqc after cls-hv2
        (_ex("city-office"), RDF.type, _ex("Agent")),
    }
    assert expected <= whole
    assert parts == whole


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ([(R1, OWL.someValuesFrom, _ex("Place"))], "someValuesFrom"),
        ([(_ex("huawei"), OWL.sameAs, _ex("hw"))], "sameAs"),
        ([(_ex("huawei"), _ex("code"), Literal("HUAWEI"))], "functional"),
        (
            [
                (_ex("id"), RDF.type, OWL.InverseFunctionalProperty),
                (_ex("a"), _ex("id"), Literal("1")),
                (_ex("b"), _ex("id"), Literal("1")),
            ],
            "functional",
        ),
        (
            [
                (_ex("kindOf"), RDFS.subPropertyOf, RDFS.subClassOf),
                (_ex("a"), _ex("kindOf"), _ex("b")),
            ],
            "schema property",
        ),
        (
            [(_ex("classOf"), RDFS.range, OWL.Class), (_ex("a"), _ex("classOf"), _ex("b"))],
            "schema class",
        ),
        ([(_ex("p"), OWL.inverseOf, RDFS.subClassOf), (_ex("a"), _ex("p"), _ex("b"))], "inverse"),
        ([(R3, OWL.onProperty, RDFS.seeAlso), (R3, OWL.hasValue, _ex("a"))], "vocabulary property"),
        ([(R1, OWL.hasValue, _ex("regional"))], "two values"),
    ],
    ids=[
        "some-values",
        "same-as",
        "functional",
        "inverse-functional",
        "sub-property-of-schema",
        "range-owl-class",
        "inverse-of-schema",
        "restriction-on-vocabulary",
        "restriction-with-two-values",
    ],
)
def test_what_the_parts_cannot_do_goes_to_the_reasoner(extra: list[Triple], reason: str) -> None:
    given = dict.fromkeys([*SCHEMA, *DATA_TRIPLES, *extra])
    one_time, _ = fast_reasoning._one_time_rules(given)
    with pytest.raises(NotSimpleError, match=reason):
        fast_reasoning._by_parts(given, one_time)
    closure, _ = fast_reasoning.fast_closure(dict(given))
    whole = fast_reasoning._at_once(given, one_time)
    assert _kept(closure.inferred) == _kept(whole)  # what the reasoner made, fixed


def test_schema_and_instances_are_told_apart() -> None:
    triples = [
        (_ex("a"), RDF.type, _ex("Firm")),
        (_ex("a"), RDF.type, OWL.Thing),
        (_ex("a"), RDFS.label, Literal("A")),
        (Literal("A"), RDF.type, XSD.string),
        (_ex("Firm"), RDF.type, OWL.Class),
        (_ex("Firm"), RDFS.subClassOf, _ex("Agent")),
        (_ex("a"), OWL.sameAs, _ex("b")),
        (AIP.madeBy, RDF.type, OWL.ObjectProperty),
        (ID.x, AIP.madeBy, ID.y),
    ]
    schema, instances = split(triples)
    assert schema == [triples[4], triples[5], triples[6], triples[7]]
    assert instances == [triples[0], triples[1], triples[2], triples[3], triples[8]]
    assert [is_schema_triple(t) for t in triples] == [t in schema for t in triples]


def test_clashes_are_found_among_the_axioms_of_the_schema_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By parts, the consistency check reads the axioms from the schema part only: it
    finds the clashes a pass over the whole closure finds."""
    members = BNode("members")
    rest = BNode("rest")
    given = dict.fromkeys(
        [
            *SCHEMA,
            *DATA_TRIPLES,
            (_ex("disjoint"), RDF.type, OWL.AllDisjointClasses),
            (_ex("disjoint"), OWL.members, members),
            (members, RDF.first, _ex("Place")),
            (members, RDF.rest, rest),
            (rest, RDF.first, _ex("Agent")),
            (rest, RDF.rest, RDF.nil),
            (_ex("knows"), RDF.type, OWL.IrreflexiveProperty),
            (_ex("huawei"), RDF.type, _ex("Place")),  # and an Agent, as a Company
            (_ex("miit"), _ex("knows"), _ex("miit")),
        ]
    )
    by_parts = fast_reasoning.fast_closure(dict(given))[1]

    def whole_graph_only(*_: object) -> None:
        raise NotSimpleError("the whole graph goes to the reasoner in this test")

    monkeypatch.setattr(fast_reasoning, "_by_parts", whole_graph_only)
    at_once = fast_reasoning.fast_closure(dict(given))[1]
    assert any("disjoint" in e.lower() for e in by_parts)
    assert any("irreflexive" in e.lower() for e in by_parts)
    assert by_parts == at_once
