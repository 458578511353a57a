"""aiplus serve: the read-only SPARQL endpoint, tested with a real HTTP client
(urllib) on a free loopback port.

The main server holds the project's graph; every saved query must give, through it,
byte for byte what the local run writes. A second, small server (the mini project,
one worker, a short deadline, a small row cap) shows the deadline and the cap. Every
test here talks to a local server (``network``); those that need one of the two servers,
with their worker processes, are ``slow`` too.
"""

from __future__ import annotations

import contextlib
import http.client
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.project import Project
from aiplus_kg.query.results import serialize_results
from aiplus_kg.query.run import run_saved, run_text
from aiplus_kg.serve.server import SparqlServer, make_server
from tests.query_support import (
    ROOT,
    as_answered,
    catalogue,
    default_results,
    difference,
    project_dataset,
    read_srj,
    saved,
)
from tests.support import MINI, run_cli

NAMES = [q.name for q in catalogue()]
SD = "http://www.w3.org/ns/sparql-service-description#"
TIMEOUT = 60

pytestmark = pytest.mark.network


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Answer:
    call = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(call, timeout=TIMEOUT) as response:
            return Answer(response.status, response.headers["Content-Type"], response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.headers.get("Content-Type", ""), exc.read())


def sparql_url(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **params})


@contextlib.contextmanager
def running(server: SparqlServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.close()
        thread.join(10)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    server = make_server(Project(ROOT), port=0, workers=2, deadline=60, quiet=True)
    with running(server) as base:
        yield base


@pytest.fixture(scope="module")
def strict() -> Iterator[tuple[str, SparqlServer]]:
    server = make_server(Project(MINI), port=0, workers=1, deadline=1.5, max_rows=10, quiet=True)
    with running(server) as base:
        yield base, server


# --- answers equal to the local ones ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_saved_query_as_a_url(served: str, name: str) -> None:
    answer = request(f"{served}/queries/{name}")
    assert answer.status == 200, answer.text
    assert answer.content_type == "application/sparql-results+json"
    # as aiplus query writes it: the parameters' columns left out
    assert answer.body == serialize_results(as_answered(name, default_results(name)), "json")
    for parameter in saved(name).parameters:
        assert f'"{parameter.variable}"' not in answer.text


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_saved_query_through_the_protocol(served: str, tmp_path: Path, name: str) -> None:
    """aiplus query --endpoint against aiplus serve: text binding, SPARQL Protocol."""
    result = run_cli("query", name, "--format", "json", "--endpoint", f"{served}/sparql", root=ROOT)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "answer.srj"
    path.write_bytes(result.stdout_bytes)
    answer = read_srj(path, ordered=saved(name).prepared.ordered)
    assert difference(answer, as_answered(name, default_results(name))) == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("chip-to-goal", {"chip": "NVIDIA GPUs"}),
        ("article-facts", {"article": "003"}),
        ("entity-sources", {"entity": "id:world-ai-cooperation-organisation"}),
        ("search-labels", {"text": "Silk"}),
    ],
)
def test_saved_query_with_parameters(served: str, name: str, params: dict[str, str]) -> None:
    local = run_saved(project_dataset(), saved(name), params)
    assert local.rows
    answer = request(f"{served}/queries/{name}?" + urllib.parse.urlencode(params))
    assert answer.status == 200, answer.text
    assert answer.body == serialize_results(as_answered(name, local), "json")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+json", "json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
        ("text/csv", "csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "tsv", "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml", "application/sparql-results+xml"),
        ("application/json", "json", "application/sparql-results+json"),
        ("*/*", "json", "application/sparql-results+json"),
    ],
)
def test_content_negotiation(served: str, accept: str, fmt: str, media: str) -> None:
    local = run_saved(project_dataset(), saved("search-labels"), {"text": "Silk"})
    answer = request(f"{served}/queries/search-labels?text=Silk", headers={"Accept": accept})
    assert answer.status == 200, answer.text
    assert answer.content_type == media
    assert answer.body == serialize_results(as_answered("search-labels", local), fmt)


@pytest.mark.slow
def test_format_parameter_wins(served: str) -> None:
    answer = request(
        f"{served}/queries/articles?format=tsv", headers={"Accept": "application/json"}
    )
    assert answer.content_type.startswith("text/tab-separated-values")
    assert answer.body == serialize_results(default_results("articles"), "tsv")


QUERY = "SELECT ?chip ?maker WHERE { ?chip aip:madeBy ?maker } ORDER BY ?chip ?maker"


@pytest.mark.slow
def test_get_and_post_give_the_same_answer(served: str) -> None:
    got = request(sparql_url(served, QUERY))
    form = request(
        f"{served}/sparql",
        data=urllib.parse.urlencode({"query": QUERY}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = request(
        f"{served}/sparql",
        data=QUERY.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert got.status == form.status == direct.status == 200
    local = run_text(project_dataset(), QUERY)
    assert len(local.rows) == 3
    assert got.body == form.body == serialize_results(local, "json")
    assert direct.body == serialize_results(local, "csv")


@pytest.mark.slow
def test_ask(served: str) -> None:
    yes = request(sparql_url(served, "ASK { id:huawei ?p ?o }"))
    assert yes.body == b'{\n  "head": {},\n  "boolean": true\n}\n'
    xml = request(
        sparql_url(served, "ASK { id:nobody ?p ?o }"),
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert b"<boolean>false</boolean>" in xml.body
    csv = request(sparql_url(served, "ASK {}"), headers={"Accept": "text/csv"})
    assert csv.status == 406
    assert "offered: application/sparql-results+json" in csv.text


@pytest.mark.slow
def test_no_acceptable_format(served: str) -> None:
    answer = request(sparql_url(served, QUERY), headers={"Accept": "image/png"})
    assert answer.status == 406
    assert answer.text.startswith("error: no acceptable results format")


# --- the service description, the catalogue, the index --------------------------------


@pytest.mark.slow
def test_service_description(served: str) -> None:
    answer = request(f"{served}/sparql")
    assert answer.status == 200
    assert answer.content_type == "text/turtle; charset=utf-8"
    description = Graph().parse(data=answer.body, format="turtle")
    service = next(description.subjects(URIRef(SD + "endpoint"), URIRef(f"{served}/sparql")))
    assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in description
    names = {str(n) for n in description.objects(None, URIRef(SD + "name"))}
    graphs = project_dataset().graphs()
    assert names == {
        str(g.identifier) for g in graphs if len(g) and g.identifier != DEFAULT_GRAPH_ID
    }


@pytest.mark.slow
def test_catalogue_lists_urls_and_parameters(served: str) -> None:
    import json

    listing = json.loads(request(f"{served}/queries").body)
    assert [q["name"] for q in listing] == NAMES
    chip = next(q for q in listing if q["name"] == "chip-to-goal")
    assert chip["url"] == f"{served}/queries/chip-to-goal"
    assert chip["parameters"][0]["name"] == "chip"
    assert all("file" not in q for q in listing)


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("INSERT DATA { id:a id:b id:c }", 403, "INSERT DATA is an update"),
        ("LOAD <http://127.0.0.1:9/x>", 403, "LOAD is an update"),
        ("DROP ALL", 403, "DROP is an update"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "refused: SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/g> { ?s ?p ?o }", 403, "refused: FROM <http"),
        ("SELECT * FROM NAMED <file:///etc/passwd> { ?s ?p ?o }", 403, "refused: FROM NAMED"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", 403, "CONSTRUCT queries are not supported"),
        ("DESCRIBE id:huawei", 403, "DESCRIBE queries are not supported"),
        ("SELECT * WHERE { ?s ?p ", 400, "SPARQL syntax error"),
        ("SELECT * WHERE { ?s nope:p ?o }", 400, "invalid query"),
    ],
)
def test_refused_queries(served: str, query: str, status: int, message: str) -> None:
    answer = request(sparql_url(served, query))
    assert answer.status == status, answer.text
    assert message in answer.text
    assert answer.text.count("\n") == 1


@pytest.mark.slow
def test_refused_requests(served: str) -> None:
    update = request(
        f"{served}/sparql",
        data=b"INSERT DATA { <a:a> <a:b> <a:c> }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert update.status == 403
    form = request(
        f"{served}/sparql",
        data=b"update=DROP+ALL",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 403
    dataset = request(sparql_url(served, QUERY, **{"default-graph-uri": "http://127.0.0.1:9/"}))
    assert dataset.status == 400
    assert "default-graph-uri is not supported" in dataset.text
    for method in ("PUT", "DELETE"):
        assert request(f"{served}/sparql", data=b"x", method=method).status == 405
    assert request(f"{served}/nothing-here").status == 404
    assert request(f"{served}/queries/no-such-query").status == 404
    twice = request(f"{served}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status == 400


@pytest.mark.slow
def test_bad_parameters(served: str) -> None:
    unknown = request(f"{served}/queries/search-labels?txt=Silk")
    assert unknown.status == 400
    assert "unknown parameter 'txt' for search-labels (parameters: text)" in unknown.text
    nothing = request(f"{served}/queries/chip-to-goal?chip=no%20such%20chip")
    assert nothing.status == 400
    assert "parameter 'chip' of chip-to-goal" in nothing.text
    # hostile values: a 400 and one line, never a 500
    for value, said in [
        ("https://w3id.org/aiplus/id/a>b", "bad IRI"),
        ("<https://w3id.org/aiplus/id/a b>", "bad IRI"),
        ("\x01", "unknown entity"),
        ("(" * 25, "unknown entity"),
    ]:
        answer = request(
            f"{served}/queries/chip-to-goal?" + urllib.parse.urlencode({"chip": value})
        )
        assert answer.status == 400, answer.text
        assert "parameter 'chip' of chip-to-goal" in answer.text
        assert said in answer.text
        assert answer.text.count("\n") == 1
    nested = request(sparql_url(served, "ASK {" + "(" * 25 + "1" + ")" * 25 + "}"))
    assert nested.status == 400, nested.text


@pytest.mark.slow
def test_large_body_is_refused_before_it_is_read(served: str) -> None:
    host, port = urllib.parse.urlsplit(served).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        connection.putrequest("POST", "/sparql")
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Content-Length", str(1024 * 1024 + 1))
        connection.endheaders()  # the body is never sent: the answer comes first
        response = connection.getresponse()
        assert response.status == 413
        assert response.read() == b"error: the request body is larger than 1048576 bytes\n"
    finally:
        connection.close()


# --- nothing goes out -------------------------------------------------------------------


@pytest.mark.slow
def test_no_request_reaches_outside(served: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:s> <urn:p> "TOP-SECRET" .\n', encoding="utf-8")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(1.0)
        trap = f"http://127.0.0.1:{listener.getsockname()[1]}"
        queries = [
            f"SELECT * WHERE {{ SERVICE <{trap}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{trap}/> {{ ?s ?p ?o }} }} }}",
            f"SELECT * FROM <{trap}/g.ttl> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{trap}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"LOAD <{trap}/g.ttl>",
            f"LOAD <{secret.as_uri()}> INTO GRAPH <urn:g>",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{trap}/> {{ ?s ?p ?o }} }} }} }}",
        ]
        answers = [request(sparql_url(served, q)) for q in queries]
        answers.append(request(sparql_url(served, QUERY, **{"named-graph-uri": f"{trap}/g"})))
        with pytest.raises(TimeoutError):
            listener.accept()
    assert [a.status for a in answers] == [403] * len(queries) + [400]
    assert not any(b"TOP-SECRET" in a.body for a in answers)


def test_the_sandbox_stops_what_the_checks_would_miss(tmp_path: Path) -> None:
    """In a sealed worker process, even rdflib called directly cannot reach out."""
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:s> <urn:p> "TOP-SECRET" .\n', encoding="utf-8")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(1.0)
        trap = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        script = f"""
import socket
from rdflib import Dataset, Graph
from aiplus_kg.serve.sandbox import SandboxError, seal
seal()
outcomes = []
attempts = [
    lambda: socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), timeout=1),
    lambda: Graph().parse({trap!r}, format="turtle"),
    lambda: list(Dataset().query("SELECT * WHERE {{ SERVICE <{trap}> {{ ?s ?p ?o }} }}")),
    lambda: open({str(secret)!r}).read(),
    lambda: Graph().parse({str(secret)!r}, format="turtle"),
    lambda: open("written.txt", "w"),
    lambda: __import__("subprocess").run(["true"]),
]
for attempt in attempts:
    try:
        attempt()
        outcomes.append("allowed")
    except SandboxError:
        outcomes.append("refused")
    except Exception as exc:
        outcomes.append("refused" if "not allowed" in str(exc) else repr(exc))
print(" ".join(outcomes))
"""
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=tmp_path,
        )
        with pytest.raises(TimeoutError):
            listener.accept()
    assert done.stdout.split() == ["refused"] * 7, done.stderr
    assert not (tmp_path / "written.txt").exists()


# --- deadline, row cap, concurrency ------------------------------------------------------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.slow
def test_deadline_stops_a_long_query(strict: tuple[str, SparqlServer]) -> None:
    base, server = strict
    replaced = server.pool.replaced
    started = time.monotonic()
    answer = request(sparql_url(base, SLOW))
    elapsed = time.monotonic() - started
    assert answer.status == 503
    assert answer.text == "error: the query was stopped at the 1.5 s deadline\n"
    assert elapsed < 30
    assert server.pool.replaced == replaced + 1
    # the worker was replaced: the server answers again once it has loaded
    for _ in range(200):
        again = request(sparql_url(base, "ASK { ?s ?p ?o }"))
        if again.status == 200:
            break
        assert again.status == 503
        time.sleep(0.2)
    assert again.status == 200


@pytest.mark.slow
def test_row_cap(strict: tuple[str, SparqlServer]) -> None:
    base, _ = strict
    capped = request(sparql_url(base, "SELECT * WHERE { ?s ?p ?o }"))
    assert capped.status == 400
    assert "more than 10 rows (the server's cap): add a LIMIT" in capped.text
    limited = request(sparql_url(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 10"))
    assert limited.status == 200


@pytest.mark.slow
def test_burst_of_concurrent_clients(served: str) -> None:
    jobs: list[tuple[str, dict[str, str], bytes]] = []
    for name in ("articles", "search-labels", "hedged-claims", "chip-to-goal"):
        jobs.append(
            (
                f"{served}/queries/{name}",
                {},
                serialize_results(as_answered(name, default_results(name)), "json"),
            )
        )
    local = run_saved(project_dataset(), saved("search-labels"), {"text": "Silk"})
    jobs.append(
        (
            f"{served}/queries/search-labels?text=Silk",
            {"Accept": "text/csv"},
            serialize_results(as_answered("search-labels", local), "csv"),
        )
    )
    jobs.append(
        (
            sparql_url(served, "ASK { id:huawei ?p ?o }"),
            {},
            b'{\n  "head": {},\n  "boolean": true\n}\n',
        )
    )
    work = [jobs[i % len(jobs)] for i in range(72)]

    def fetch(job: tuple[str, dict[str, str], bytes]) -> bool:
        url, headers, expected = job
        answer = request(url, headers=headers)
        return answer.status == 200 and answer.body == expected

    with ThreadPoolExecutor(max_workers=24) as clients:
        outcomes = list(clients.map(fetch, work))
    assert outcomes.count(False) == 0
    assert len(outcomes) == 72


# --- the command -------------------------------------------------------------------------


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_cli_serve_answers_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiplus_kg",
            "--root",
            str(MINI),
            "serve",
            "--port",
            "0",
            "--quiet",
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test run started in the background inherits an ignored SIGINT, and so would
        # the server: give it the default disposition a terminal gives a command
        preexec_fn=_default_sigint,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()  # blocks until the server is ready (or fails)
        assert line.startswith("aiplus: serving http://127.0.0.1:"), line
        endpoint = line.split()[2]
        answer = request(endpoint + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
        assert answer.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT) == 0
        assert "aiplus: stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)


def test_cli_serve_port_in_use() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"aiplus: error: cannot listen on 127.0.0.1:{port}:")


def test_cli_serve_bad_project(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", "0", root=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("aiplus: error: ")
    assert "missing ontology file" in result.stderr
