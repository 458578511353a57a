"""What makes an endpoint's answer look cut short (``remote.partial_reason``) and the
``LIMIT`` a saved query asks for itself (``remote.query_limit``), without a server; the
client against a server is tests/integration/test_remote_partial.py."""

from __future__ import annotations

import pytest
from rdflib import Literal

from aiplus_kg.query import remote
from aiplus_kg.query.results import Results


def rows(n: int) -> Results:
    return Results(("n",), tuple((Literal(i),) for i in range(n)), None, False)


@pytest.mark.parametrize(
    ("headers", "n", "limit", "cut"),
    [
        ({}, 3, None, False),
        ({}, 10_000, None, True),
        ({}, 10_000, 10_000, False),  # the query asked for that many
        ({}, 10_000, 20_000, True),
        ({"x-sparql-maxrows": "10000"}, 10_000, None, True),
        ({"x-sparql-maxrows": "100"}, 100, None, True),
        ({"x-sparql-maxrows": "100"}, 40, None, False),
        ({"x-sparql-maxrows": "many"}, 40, None, True),  # unreadable: assume the worst
        ({"x-sql-state": "S1TAT"}, 0, None, True),
        ({"x-sql-state": " s1tat "}, 5, None, True),
        ({"x-sql-state": "00000"}, 5, None, False),
    ],
)
def test_partial_reason(headers: dict[str, str], n: int, limit: int | None, cut: bool) -> None:
    assert (remote.partial_reason(headers, rows(n), limit) is not None) is cut


def test_an_ask_answer_has_no_rows_to_count() -> None:
    assert remote.partial_reason({"x-sparql-maxrows": "1"}, Results(boolean=True)) is None
    assert remote.partial_reason({"x-sql-state": "S1TAT"}, Results(boolean=True)) is not None


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10000 OFFSET 5", 10_000),
        ("select * { ?s ?p ?o } offset 2 limit\n 7", 7),
        ("SELECT ?s WHERE { ?s ?p ?o { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } }", None),
        ('SELECT * WHERE { ?s ?p "LIMIT 4" } # LIMIT 5', None),
        ("ASK {}", None),
    ],
)
def test_query_limit(text: str, limit: int | None) -> None:
    assert remote.query_limit(text) == limit
