"""``aiplus sparql``: ad-hoc read-only queries; updates, LOAD, SERVICE and FROM outside
the dataset are refused with a clear message (exit 2), before anything runs."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal

from aiplus_kg.errors import InputError
from aiplus_kg.load.store import dataset_graphs
from aiplus_kg.namespaces import SRC
from aiplus_kg.query.guard import QueryRefusedError, prepare
from aiplus_kg.query.run import run_text
from tests.query_support import project_dataset

REFUSED = [
    ("INSERT DATA { id:a id:b id:c }", "refused: INSERT DATA is an update"),
    ("DELETE DATA { id:a id:b id:c }", "refused: DELETE DATA is an update"),
    ("DELETE WHERE { ?s ?p ?o }", "refused: DELETE WHERE is an update"),
    ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "refused: DELETE/INSERT"),
    ("LOAD <http://example.org/data.ttl>", "refused: LOAD is an update"),
    ("LOAD <file:///etc/passwd> INTO GRAPH <urn:x>", "refused: LOAD is an update"),
    ("CLEAR ALL", "refused: CLEAR is an update"),
    ("DROP GRAPH src:001-c4f603b6c01e8ba9", "refused: DROP is an update"),
    ("CREATE GRAPH <urn:x>", "refused: CREATE is an update"),
    ("INSERT DATA { id:a id:b id:c } ; LOAD <http://example.org/x>", "INSERT DATA, LOAD"),
    (
        "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
        "refused: SERVICE <http://dbpedia.org/sparql>",
    ),
    (
        "SELECT * { ?s a aip:Chip OPTIONAL { SERVICE SILENT <http://x.org/q> { ?s ?p ?o } } }",
        "refused: SERVICE <http://x.org/q>",
    ),
    (
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "refused: SERVICE ?endpoint",
    ),
    ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "refused: FROM <http://"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "refused: FROM <file:///etc/passwd>"),
    ("SELECT * FROM NAMED <https://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED"),
    (
        "SELECT * FROM src:001-c4f603b6c01e8ba9 FROM <file:data.ttl> WHERE { ?s ?p ?o }",
        "refused: FROM <file:data.ttl>",
    ),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "refused: CONSTRUCT queries are not supported"),
    ("DESCRIBE id:huawei", "refused: DESCRIBE queries are not supported"),
]


@pytest.fixture
def no_fetching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt by rdflib to read a document (FROM, LOAD) fails the test."""
    project_dataset()  # loaded (parsed) before the patch

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib tried to read a document")

    monkeypatch.setattr(rdflib.Graph, "parse", forbidden)


@pytest.mark.usefixtures("no_fetching")
@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        run_text(project_dataset(), text, display="q.rq")
    assert str(info.value).startswith("q.rq: refused: ")
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_refusals_are_query_refused_errors() -> None:
    with pytest.raises(QueryRefusedError):
        prepare("CLEAR ALL", frozenset())


@pytest.mark.usefixtures("no_fetching")
def test_from_the_dataset_own_graphs_is_allowed_and_means_that_graph() -> None:
    dataset = project_dataset()
    article = SRC["001-c4f603b6c01e8ba9"]
    count = len(dataset.graph(article))
    rows = run_text(
        dataset, "SELECT (COUNT(*) AS ?n) FROM src:001-c4f603b6c01e8ba9 WHERE { ?s ?p ?o }"
    ).rows
    assert rows == ((Literal(count),),)
    named = run_text(
        dataset,
        "SELECT DISTINCT ?g FROM NAMED src:001-c4f603b6c01e8ba9 WHERE { GRAPH ?g { ?s ?p ?o } }",
    ).rows
    assert named == ((article,),)


@pytest.mark.usefixtures("no_fetching")
def test_graph_outside_the_dataset_reads_nothing() -> None:
    rows = run_text(project_dataset(), "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }")
    assert rows.rows == ()


def test_allowed_graphs_are_the_dataset_graphs() -> None:
    graphs = dataset_graphs(project_dataset())
    assert SRC["001-c4f603b6c01e8ba9"] in graphs
    assert len(graphs) == 7  # ontology, reference, five articles


def test_project_prefixes_are_declared() -> None:
    results = run_text(project_dataset(), "SELECT ?c WHERE { ?c a aip:Chip } ORDER BY ?c")
    assert results.ordered
    assert len(results.rows) == 3


def test_ask() -> None:
    results = run_text(project_dataset(), "ASK { id:ascend-910b aip:madeBy id:huawei }")
    assert results.boolean is True


def test_syntax_error_is_located() -> None:
    with pytest.raises(InputError) as info:
        run_text(
            project_dataset(), "PREFIX x: <http://x/>\nSELECT * WHERE {\n  ?s ?p\n}", display="q.rq"
        )
    assert str(info.value).startswith("q.rq:3: SPARQL syntax error: Expected SelectQuery")


def test_unknown_prefix_is_an_input_error() -> None:
    with pytest.raises(InputError, match="invalid query"):
        run_text(project_dataset(), "SELECT * WHERE { ?s nope:p ?o }")
