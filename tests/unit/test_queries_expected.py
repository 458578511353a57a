"""Each saved query, run with its default parameters, gives its expected results.

The expected results are ``tests/data/expected/<name>.srj`` (SPARQL 1.1 Query Results
JSON), written by ``python -m tests.regen_expected`` and then checked by hand against
the data. Rows are compared in order when the query orders them (all of them do),
as a multiset otherwise. A few answers are also checked here against the data by
other means than SPARQL, so that a wrong query cannot pass only because its own
output was recorded.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import URIRef

from aiplus_kg.namespaces import AIP, ID, RDF, RDFS, SKOS, SRC
from aiplus_kg.query.results import to_json
from tests.query_support import (
    EXPECTED,
    canonical_order,
    catalogue,
    default_results,
    difference,
    expected_path,
    project_dataset,
    read_srj,
)

NAMES = [q.name for q in catalogue()]


def test_every_query_has_an_expected_file_and_no_file_is_stray() -> None:
    assert {p.stem for p in EXPECTED.glob("*.srj")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_query_gives_expected_results(name: str) -> None:
    results = default_results(name)
    expected = read_srj(expected_path(name), ordered=results.ordered)
    assert difference(results, expected) == ""
    assert results.rows, f"{name} returns nothing"


@pytest.mark.parametrize("name", NAMES)
def test_expected_file_is_what_regen_writes(name: str) -> None:
    """The files are byte for byte what ``aiplus query NAME --format json`` writes."""
    assert expected_path(name).read_bytes() == to_json(canonical_order(default_results(name)))


def _graph(context: object) -> URIRef:
    return URIRef(str(getattr(context, "identifier", context)))


def test_chip_to_goal_answers_the_issue() -> None:
    """Ascend 910B -> DeepSeek R2 (reported, article 001) -> the decision (reported)
    -> technological self-sufficiency, which China pursues. The reported links are
    hedged claims only (never asserted), and the query still shows them."""
    rows = default_results("chip-to-goal").bindings()
    links = {(r["subject"], r["property"], r["object"]): r for r in rows}
    article = SRC["001-c4f603b6c01e8ba9"]
    uses = links[(ID["deepseek-r2"], AIP.usesChip, ID["ascend-910b"])]
    assert uses["linkHedge"] == AIP.Reported
    assert uses["source"] == article
    serves = links[
        (ID["deepseek-r2-chip-decision"], AIP.serves, ID["technological-self-sufficiency"])
    ]
    assert serves["subjectHedge"] == AIP.Reported
    assert serves["linkHedge"] == AIP.Reported
    assert serves["source"] == article
    assert (ID.china, AIP.pursues, ID["technological-self-sufficiency"]) in links
    made = [r for r in default_results("chip-to-goal").bindings() if r["property"] == AIP.madeBy]
    assert {r["object"] for r in made} == {ID.huawei}
    assert {r["source"] for r in made} == {SRC["000-fa0972a5f4bf42df"], article}


def test_hedged_claims_has_every_hedge() -> None:
    dataset = project_dataset()
    hedges = {(s, h, _graph(g)) for s, _, h, g in dataset.quads((None, AIP.hedge, None, None))}
    rows = list(default_results("hedged-claims").bindings())
    assert len(rows) == len(hedges)


def test_sectors_targeted_is_every_targets_sector_statement() -> None:
    dataset = project_dataset()
    statements = {
        (o, s, _graph(g)) for s, _, o, g in dataset.quads((None, AIP.targetsSector, None, None))
    }
    for claim, _, _, g in dataset.quads((None, AIP.claimPredicate, AIP.targetsSector, None)):
        if (claim, AIP.hedge, None) in dataset:
            subject = dataset.value(claim, AIP.claimSubject)
            statements.add((dataset.value(claim, AIP.claimObject), subject, _graph(g)))
    rows = {
        (r["sector"], r["by"], r["source"]) for r in default_results("sectors-targeted").bindings()
    }
    assert rows == statements


def test_multi_source_facts_by_counting_graphs() -> None:
    dataset = project_dataset()
    skipped = {AIP.statedIn, AIP.summary, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.note}
    graphs: dict[tuple[object, ...], set[URIRef]] = defaultdict(set)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if _graph(g).startswith(str(SRC)) and p not in skipped:
            graphs[(s, p, o)].add(_graph(g))
    expected = {(t, len(gs), g) for t, gs in graphs.items() if len(gs) > 1 for g in gs}
    rows = {
        ((r["subject"], r["property"], r["object"]), int(r["articles"]), r["source"])
        for r in default_results("multi-source-facts").bindings()
    }
    assert rows == expected


def test_article_facts_is_the_article_graph() -> None:
    """The plain statements of the article graph, and the hedged ones its claims hold."""
    graph = project_dataset().graph(SRC["001-c4f603b6c01e8ba9"])
    claims = set(graph.subjects(RDF.type, AIP.Claim))
    skipped = {
        AIP.statedIn,
        RDFS.label,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.note,
        SKOS.editorialNote,
    }
    expected = {(s, p, o) for s, p, o in graph if p not in skipped and s not in claims}
    hedged = {
        (
            graph.value(c, AIP.claimSubject),
            graph.value(c, AIP.claimPredicate),
            graph.value(c, AIP.claimObject),
        )
        for c in claims
        if (c, AIP.hedge, None) in graph
    }
    assert hedged
    assert not hedged & expected
    expected |= hedged
    rows = {
        (r["subject"], r["property"], r["object"])
        for r in default_results("article-facts").bindings()
    }
    assert rows == expected


def test_compute_vouchers_budgets_in_both_currencies() -> None:
    rows = {r["scheme"]: r for r in default_results("compute-vouchers").bindings()}
    shanghai = rows[ID["compute-vouchers-shanghai"]]
    assert (int(shanghai["budget"]), str(shanghai["currency"])) == (600_000_000, "CNY")
    assert (int(shanghai["equivalent"]), str(shanghai["equivalentCurrency"])) == (84_000_000, "USD")
    assert shanghai["budgetApproximation"] == AIP.About
    assert int(shanghai["coverage"]) == 80
    assert shanghai["level"] == AIP.MunicipalLevel
    # the article lists Henan among cities; its government is only a local one
    assert rows[ID["compute-vouchers-henan"]]["placeType"] == AIP.City
    assert "level" not in rows[ID["compute-vouchers-henan"]]
    shandong = {
        int(r["budget"]): r
        for r in default_results("compute-vouchers").bindings()
        if r["scheme"] == ID["compute-vouchers-shandong"]
    }
    assert "budgetHedge" not in shandong[30_000_000]
    assert shandong[1_000_000_000]["budgetHedge"] == AIP.Planned
    assert int(shandong[1_000_000_000]["equivalent"]) == 140_000_000
