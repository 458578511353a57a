"""The SPARQL endpoint client without a server: the endpoint's credentials, the Graph
Store URL of a graph, and the parameters bound in the query text by a ``VALUES`` block at
the start of the ``WHERE`` group (against real stores: ``tests/integration/test_remote.py``).
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from aiplus_kg.errors import InputError, InternalError
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.query import remote
from aiplus_kg.query.values import bind_values, sparql_term


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {remote.ENV_TOKEN: "t", remote.ENV_USER: "u", remote.ENV_PASSWORD: "p"},
            "set either AIPLUS_ENDPOINT_TOKEN or",
        ),
        ({remote.ENV_USER: "u"}, "AIPLUS_ENDPOINT_USER is set but AIPLUS_ENDPOINT_PASSWORD is not"),
        ({remote.ENV_PASSWORD: "p"}, "AIPLUS_ENDPOINT_PASSWORD is set but AIPLUS_ENDPOINT_USER"),
    ],
)
def test_inconsistent_credentials_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        remote.endpoint("http://127.0.0.1:9/sparql", env=env)


def test_graph_url() -> None:
    assert remote.graph_url("http://h/store", URIRef("https://e/g#1")) == (
        "http://h/store?graph=https%3A%2F%2Fe%2Fg%231"
    )
    assert (
        remote.graph_url("http://h/ds/data?a=b", DEFAULT_GRAPH_ID) == "http://h/ds/data?a=b&default"
    )


def test_values_go_at_the_start_of_the_where_group() -> None:
    text = 'SELECT ?_x ?y WHERE { ?y <http://e/p> ?_x FILTER(?_x != "}") } ORDER BY ?y'
    bound = bind_values(text, {"_x": URIRef("http://e/x")})
    assert bound == (
        "SELECT ?_x ?y WHERE { VALUES (?_x) { (<http://e/x>) }\n ?y <http://e/p> ?_x "
        'FILTER(?_x != "}") } ORDER BY ?y'
    )


def test_braces_in_comments_strings_and_select_expressions_are_skipped() -> None:
    text = (
        "PREFIX e: <http://e/x#>  # { not a group\n"
        "SELECT ?_x (EXISTS { ?a ?b ?c } AS ?e) ('''{''' AS ?s)\n"
        "FROM <http://e/g>\n"
        "{ ?_x ?p ?o }"
    )
    bound = bind_values(text, {"_x": URIRef("http://e/x")})
    assert bound.endswith("{ VALUES (?_x) { (<http://e/x>) }\n ?_x ?p ?o }")


def test_a_bare_subquery_is_wrapped() -> None:
    text = "SELECT ?_x WHERE { SELECT ?_x WHERE { ?_x ?p ?o } LIMIT 5 }"
    bound = bind_values(text, {"_x": URIRef("http://e/x")})
    assert bound == (
        "SELECT ?_x WHERE { VALUES (?_x) { (<http://e/x>) } "
        "{ SELECT ?_x WHERE { ?_x ?p ?o } LIMIT 5 } }"
    )


@pytest.mark.parametrize(
    ("term", "text"),
    [
        (URIRef("http://e/x"), "<http://e/x>"),
        (Literal('a "b"\n\\c'), '"a \\"b\\"\\n\\\\c"'),
        (Literal("chat", lang="fr"), '"chat"@fr'),
        (
            Literal("2025", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
            '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        ),
    ],
)
def test_terms_are_written_as_n_triples(term: URIRef | Literal, text: str) -> None:
    assert sparql_term(term) == text


def test_a_blank_node_cannot_be_bound() -> None:
    with pytest.raises(InputError, match="only IRIs and literals"):
        sparql_term(BNode("b"))


def test_a_query_without_a_group_is_an_internal_error() -> None:
    with pytest.raises(InternalError):
        bind_values("SELECT ?x", {"x": URIRef("http://e/x")})


def test_no_parameters_leave_the_text_alone() -> None:
    assert bind_values("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"
