"""``FILTER NOT EXISTS`` is written as ``MINUS`` only where both give the same rows.

The rewrite is checked three ways: on the shipped shapes' closed-world queries (it
must apply to them, or the validator keeps their slow plan), on queries where it must
not apply (each says why), and by running the original and the rewritten text on data
built so that a wrong rewrite changes the rows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from aiplus_kg.sparql_minus import not_exists_as_minus

ROOT = Path(__file__).resolve().parents[1]

PREFIXES = "PREFIX ex: <http://example.org/>\n"

DATA = """
@prefix ex: <http://example.org/> .
ex:a ex:p ex:b , ex:c , "lit" .
ex:b a ex:T .
ex:c ex:q ex:a .
ex:d ex:p ex:e .
ex:e ex:q ex:d ; a ex:T .
ex:f ex:r ex:a .
"""
"""Some values typed and some not, a literal value, a node with no ``ex:p``."""


def _rows(query: str, engine: str) -> Counter[tuple[str, ...]]:
    """The rows of ``query`` over :data:`DATA`, as a multiset of N-Triples strings."""
    if engine == "pyoxigraph":
        store = ox.Store()
        store.load(DATA.encode(), ox.RdfFormat.TURTLE)
        solutions = store.query(PREFIXES + query)
        names = [v.value for v in solutions.variables]
        return Counter(
            tuple(str(row[name]) if row[name] is not None else "" for name in names)
            for row in solutions
        )
    graph = Graph().parse(data=DATA, format="turtle")
    return Counter(
        tuple(term.n3() if term is not None else "" for term in row)  # type: ignore[union-attr]
        for row in graph.query(PREFIXES + query)
    )


REWRITTEN = [
    "SELECT ?s ?o WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?o a ?t } }",
    "SELECT DISTINCT ?s WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?o a ex:T } }",
    "SELECT ?s ?o WHERE { ?s ex:p ?o . FILTER NOT EXISTS { ?o ex:q ?s } . ?s ?x ?y }",
    "SELECT ?s WHERE { ?s ex:p ?o FILTER(isIRI(?o)) FILTER NOT EXISTS { ?o a ?t } }",
    "SELECT ?s ?o WHERE { FILTER NOT EXISTS { ?o a ?t } ?s ex:p ?o }",
    "SELECT ?s WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?o a ?t } FILTER NOT EXISTS { ?s ex:q ?z } }",
    "SELECT $s ?o WHERE { $s ex:p ?o filter not exists { ?o ex:q $s } }",
    "SELECT ?s ?t WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?o a ?t } FILTER(!BOUND(?t)) }",
    "SELECT ?s WHERE { ?s ex:p ?o # a comment with { and FILTER\n"
    " FILTER NOT EXISTS { ?o a ?t } } ORDER BY ?s",
]


@pytest.mark.parametrize("query", REWRITTEN)
def test_rewritten_queries_keep_their_rows(query: str) -> None:
    rewritten = not_exists_as_minus(query)
    assert "MINUS" in rewritten
    assert "NOT EXISTS" not in rewritten.upper()
    expected = _rows(query, "pyoxigraph")
    assert _rows(rewritten, "pyoxigraph") == expected
    assert _rows(query, "rdflib") == expected


KEPT = {
    "no shared variable: MINUS would remove nothing": (
        "SELECT ?s WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?x a ex:T } }"
    ),
    "shared variable bound only in an OPTIONAL": (
        "SELECT ?s WHERE { ?s ex:p ?o OPTIONAL { ?o ex:q ?z } FILTER NOT EXISTS { ?z a ?t } }"
    ),
    "a filter inside the block": (
        "SELECT ?s WHERE { ?s ex:p ?o FILTER NOT EXISTS { ?o a ?t FILTER(?t != ex:T) } }"
    ),
    "a group inside the block": (
        "SELECT ?s WHERE { ?s ex:p ?o FILTER NOT EXISTS { { ?o a ?t } UNION { ?o ex:q ?s } } }"
    ),
    "NOT EXISTS inside an expression": (
        "SELECT ?s WHERE { ?s ex:p ?o FILTER(NOT EXISTS { ?o a ?t }) }"
    ),
    "shared variable bound by BIND, which may leave it unbound": (
        "SELECT ?s WHERE { ?s ex:p ?x BIND(IRI(?x) AS ?o) FILTER NOT EXISTS { ?o a ?t } }"
    ),
    "shared variable bound by VALUES, which may hold UNDEF": (
        "SELECT ?s WHERE { VALUES ?o { UNDEF ex:b } ?s ex:p ?x FILTER NOT EXISTS { ?o a ?t } }"
    ),
    "a subquery": (
        "SELECT ?s WHERE { { SELECT ?s ?o WHERE { ?s ex:p ?o } } FILTER NOT EXISTS { ?o a ?t } }"
    ),
    "a GRAPH pattern": (
        "SELECT ?s WHERE { GRAPH ?g { ?s ex:p ?o } FILTER NOT EXISTS { ?o a ?t } }"
    ),
    "a block of variables only: NOT EXISTS looks each triple up, faster": (
        "SELECT ?s WHERE { ?s ex:q ?o ; ex:r ?p FILTER NOT EXISTS { ?s ?p ?o } }"
    ),
    "FILTER EXISTS, not NOT EXISTS": ("SELECT ?s WHERE { ?s ex:p ?o FILTER EXISTS { ?o a ?t } }"),
    "no FILTER NOT EXISTS at all": "SELECT ?s WHERE { ?s ex:p ?o }",
    "not a query with a group": "ASK",
}


@pytest.mark.parametrize("query", KEPT.values(), ids=list(KEPT))
def test_queries_where_the_two_differ_are_kept(query: str) -> None:
    assert not_exists_as_minus(query) == query


def test_the_shared_variable_rule_matters() -> None:
    """Written as MINUS, the query with no shared variable would return other rows: the
    data tells a wrong rewrite apart."""
    query = KEPT["no shared variable: MINUS would remove nothing"]
    naive = query.replace("FILTER NOT EXISTS", "MINUS")
    assert _rows(naive, "pyoxigraph") != _rows(query, "pyoxigraph")


def test_the_optional_rule_matters() -> None:
    query = KEPT["shared variable bound only in an OPTIONAL"]
    naive = query.replace("FILTER NOT EXISTS", "MINUS")
    assert _rows(naive, "pyoxigraph") != _rows(query, "pyoxigraph")


def _shipped_closed_world_queries() -> list[str]:
    shapes = Graph().parse(ROOT / "shapes" / "aiplus-shapes.ttl")
    found = [str(text) for text in shapes.objects(None, SH.select) if "NOT EXISTS" in text]
    assert found, "the shipped shapes have no FILTER NOT EXISTS query"
    return found


def test_the_shipped_closed_world_queries_are_rewritten() -> None:
    """All but the claim check (a block of variables only) run as MINUS."""
    kept = [q for q in _shipped_closed_world_queries() if not_exists_as_minus(q) == q]
    assert len(kept) == 1
    assert "{ ?s ?p ?o }" in kept[0]
