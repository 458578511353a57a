"""aiplus push and aiplus query --endpoint against a real triple store: the Oxigraph
server (the ``oxigraph`` command of the PyPI package ``oxigraph``), started on a free
loopback port in a temporary folder.

The store's default graph is the union of its named graphs only when asked: the
server option ``--union-default-graph``, or the ``union-default-graph`` parameter of
a request, which the tests put in the endpoint URL (``.../query?union-default-graph``)
to check that the client keeps the URL's own parameters. Parameters are bound in the
query text by a ``VALUES`` block at the start of the ``WHERE`` group; the tests show
that a ``VALUES`` block appended after the query (rdflib's ``SPARQLStore`` way) gives
other answers.

Client-side behaviour (credentials, redirects, timeouts, unreachable hosts, bad
answers) is tested against small HTTP servers of the tests' own, on loopback. Every test
here talks to a local server (``network``); those that need the Oxigraph server are
``slow`` too. Binding the parameters in the text and checking the endpoint settings need
no server: ``tests/unit/test_remote.py`` and ``tests/cli/test_remote.py``.
"""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import URIRef

from aiplus_kg.export.void import VOID_GRAPH
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.query import remote
from aiplus_kg.query.parameters import bind_parameters
from aiplus_kg.query.run import run_saved
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
from tests.support import run_cli

NAMES = [q.name for q in catalogue()]
OTHER_PARAMETERS = [
    ("chip-to-goal", {"chip": "NVIDIA GPUs"}),
    ("article-facts", {"article": "003"}),
    ("entity-sources", {"entity": "id:world-ai-cooperation-organisation"}),
    ("search-labels", {"text": "Silk"}),
]
READY_TIMEOUT = 60.0

pytestmark = pytest.mark.network


# --- the Oxigraph server ---------------------------------------------------------------


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Oxigraph:
    """An Oxigraph server in ``folder``, on a free loopback port, stopped by ``stop``."""

    def __init__(self, folder: Path, *options: str) -> None:
        binary = oxigraph_binary()
        if binary is None:
            pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, *options], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph exited: {error.strip()}")
            try:
                with urllib.request.urlopen(f"{self.base}/query?query=ASK%7B%7D", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph was not ready within {READY_TIMEOUT:g} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    """An Oxigraph server holding the project, pushed with aiplus push."""
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        result = run_cli("push", "--endpoint", f"{server.base}/store", root=ROOT)
        assert result.exit_code == 0, result.stderr
        yield server
    finally:
        server.stop()


def union_url(server: Oxigraph) -> str:
    return f"{server.base}/query?union-default-graph"


def cli_json(tmp_path: Path, name: str, *args: str) -> bytes:
    result = run_cli("query", name, *args, "--format", "json", root=ROOT)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def read_json(tmp_path: Path, data: bytes, ordered: bool) -> object:
    path = tmp_path / "results.srj"
    path.write_bytes(data)
    return read_srj(path, ordered=ordered)


# --- push -------------------------------------------------------------------------------


@pytest.mark.slow
def test_push_loads_one_named_graph_per_article(oxigraph: Oxigraph) -> None:
    counts = remote.query(
        remote.endpoint(f"{oxigraph.base}/query"),
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    stored = {str(g): int(n) for g, n in counts.rows}
    # the push also sends the VoID/DCAT description of what it pushed
    assert stored.pop(str(VOID_GRAPH)) > 0
    local = {
        str(g.identifier): len(g)
        for g in project_dataset().graphs()
        if len(g) and g.identifier != DEFAULT_GRAPH_ID
    }
    assert stored == local
    assert len([g for g in stored if "/source/" in g]) == 5


@pytest.mark.slow
def test_push_again_replaces_the_graphs(oxigraph: Oxigraph) -> None:
    result = run_cli("push", "--endpoint", f"{oxigraph.base}/store", "--graph", "001", root=ROOT)
    assert result.exit_code == 0, result.stderr
    article = URIRef("https://w3id.org/aiplus/source/001-c4f603b6c01e8ba9")
    size = len(project_dataset().graph(article))  # the article's triples, as in its file
    assert size > 100
    assert result.stdout.splitlines() == [
        f"pushed src:001-c4f603b6c01e8ba9: {size} triples",
        f"1 graphs, {size} triples pushed to {oxigraph.base}/store",
    ]
    total = remote.query(
        remote.endpoint(f"{oxigraph.base}/query"),
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{VOID_GRAPH}>) }}",
    )
    assert int(total.rows[0][0]) == sum(len(g) for g in project_dataset().graphs())


# --- saved queries on the store ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_saved_query_gives_the_local_answer(
    oxigraph: Oxigraph, tmp_path: Path, name: str
) -> None:
    data = cli_json(tmp_path, name, "--endpoint", union_url(oxigraph))
    answer = read_json(tmp_path, data, saved(name).prepared.ordered)
    expected = as_answered(name, default_results(name))
    assert difference(answer, expected) == ""  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "params"), OTHER_PARAMETERS)
def test_parameters_give_the_local_answer(
    oxigraph: Oxigraph, tmp_path: Path, name: str, params: dict[str, str]
) -> None:
    local = run_saved(project_dataset(), saved(name), params)
    assert local.rows
    given = [f"--param={k}={v}" for k, v in params.items()]
    data = cli_json(tmp_path, name, *given, "--endpoint", union_url(oxigraph))
    answer = read_json(tmp_path, data, local.ordered)
    assert difference(answer, as_answered(name, local)) == ""  # type: ignore[arg-type]


@pytest.mark.slow
def test_table_and_csv_come_out_as_locally(oxigraph: Oxigraph) -> None:
    for fmt in ("table", "csv", "tsv"):
        args = ("query", "search-labels", "-p", "text=Silk", "--format", fmt)
        local = run_cli(*args, root=ROOT)
        there = run_cli(*args, "--endpoint", union_url(oxigraph), root=ROOT)
        assert there.exit_code == 0, there.stderr
        assert there.stdout_bytes == local.stdout_bytes


@pytest.mark.slow
def test_values_appended_at_the_end_change_the_answer(oxigraph: Oxigraph) -> None:
    """Why the parameters go at the start of the WHERE group: appended after the query,
    as rdflib's SPARQLStore does, the FILTER sees ?_text unbound."""
    query = saved("search-labels")
    values = bind_parameters(project_dataset(), query, {"text": "Silk"})
    target = remote.endpoint(union_url(oxigraph))
    trailing = remote.query(target, f'{query.text}\nVALUES (?_text) {{ ("Silk") }}')
    local = run_saved(project_dataset(), query, {"text": "Silk"})
    assert difference(trailing, local) != ""
    assert difference(remote.run_saved_remote(target, query, values), local) == ""


@pytest.mark.slow
def test_without_the_union_default_graph_the_answers_differ(oxigraph: Oxigraph) -> None:
    """What users must configure: the store's default graph must be the union."""
    plain = remote.endpoint(f"{oxigraph.base}/query")
    query = saved("search-labels")
    values = bind_parameters(project_dataset(), query, {"text": "Silk"})
    assert remote.run_saved_remote(plain, query, values).rows == ()


@pytest.mark.slow
def test_server_option_union_default_graph(tmp_path: Path) -> None:
    server = Oxigraph(tmp_path / "store", "--union-default-graph")
    try:
        pushed = run_cli("push", "--endpoint", f"{server.base}/store", root=ROOT)
        assert pushed.exit_code == 0, pushed.stderr
        for name in ("articles", "chip-to-goal"):
            data = cli_json(tmp_path, name, "--endpoint", f"{server.base}/query")
            answer = read_json(tmp_path, data, True)
            expected = as_answered(name, default_results(name))
            assert difference(answer, expected) == ""  # type: ignore[arg-type]
    finally:
        server.stop()


# --- errors from the store --------------------------------------------------------------


@pytest.mark.slow
def test_http_error_is_exit_4(oxigraph: Oxigraph) -> None:
    result = run_cli("query", "articles", "--endpoint", f"{oxigraph.base}/nope", root=ROOT)
    assert result.exit_code == 4
    assert result.stderr.startswith(f"aiplus: error: {oxigraph.base}/nope: HTTP 404")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_bad_query_answer_names_the_status(oxigraph: Oxigraph) -> None:
    with pytest.raises(remote.RemoteError, match="HTTP 400") as excinfo:
        remote.query(remote.endpoint(f"{oxigraph.base}/query"), "SELECT * WHERE {")
    assert excinfo.value.exit_code == 4


@pytest.mark.slow
def test_push_to_a_wrong_url_names_the_graph(oxigraph: Oxigraph) -> None:
    result = run_cli("push", "--endpoint", f"{oxigraph.base}/nope", "--graph", "001", root=ROOT)
    assert result.exit_code == 4
    assert "pushing src:001-c4f603b6c01e8ba9 failed (no graph replaced)" in result.stderr
    assert "HTTP 404" in result.stderr


def test_unreachable_endpoint_is_exit_4() -> None:
    port = free_port()  # nothing listens there
    result = run_cli(
        "query", "articles", "--endpoint", f"http://127.0.0.1:{port}/sparql", root=ROOT
    )
    assert result.exit_code == 4
    assert result.stderr == (
        f"aiplus: error: http://127.0.0.1:{port}/sparql: connection refused: "
        "is the endpoint running?\n"
    )


# --- the client, against small servers of the tests' own ------------------------------

EMPTY_RESULTS = b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}'


class Recorder(BaseHTTPRequestHandler):
    """Answers every POST with ``self.server.answer`` and records the request."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append((self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        status, headers, payload = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PUT = do_POST  # noqa: N815 (http.server's name)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []  # type: ignore[attr-defined]
    server.answer = (200, {"Content-Type": "application/sparql-results+json"}, EMPTY_RESULTS)  # type: ignore[attr-defined]
    # a short poll interval: shutdown() waits for the next poll
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def url_of(server: ThreadingHTTPServer, path: str = "/sparql") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_query_is_a_form_post_asking_for_json(recorder: ThreadingHTTPServer) -> None:
    answer = remote.query(remote.endpoint(url_of(recorder, "/sparql?x=1"), env={}), "ASK {}")
    assert answer.rows == ()
    path, headers, body = recorder.seen[0]  # type: ignore[attr-defined]
    assert path == "/sparql?x=1"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Accept"].startswith("application/sparql-results+json")
    assert body == b"query=ASK+%7B%7D"
    assert "Authorization" not in headers


def test_basic_credentials_come_from_the_environment(recorder: ThreadingHTTPServer) -> None:
    env = {remote.ENV_USER: "reader", remote.ENV_PASSWORD: "s3cret:x"}
    remote.query(remote.endpoint(url_of(recorder), env=env), "ASK {}")
    headers = recorder.seen[0][1]  # type: ignore[attr-defined]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"reader:s3cret:x").decode()


def test_bearer_token_comes_from_the_environment(
    recorder: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(remote.ENV_TOKEN, "tok-123")
    result = run_cli(
        "query", "articles", "--format", "json", "--endpoint", url_of(recorder), root=ROOT
    )
    assert result.exit_code == 0, result.stderr
    assert recorder.seen[0][1]["Authorization"] == "Bearer tok-123"  # type: ignore[attr-defined]


def test_redirects_are_not_followed(recorder: ThreadingHTTPServer) -> None:
    recorder.answer = (302, {"Location": "http://127.0.0.1:9/elsewhere"}, b"")  # type: ignore[attr-defined]
    env = {remote.ENV_TOKEN: "tok"}
    with pytest.raises(remote.RemoteError, match=r"redirected to http://127\.0\.0\.1:9/elsewhere"):
        remote.query(remote.endpoint(url_of(recorder), env=env), "ASK {}")
    assert len(recorder.seen) == 1  # type: ignore[attr-defined]


def test_not_sparql_results(recorder: ThreadingHTTPServer) -> None:
    recorder.answer = (200, {"Content-Type": "text/html"}, b"<html><body>hello</body></html>")  # type: ignore[attr-defined]
    result = run_cli(
        "query", "articles", "--format", "json", "--endpoint", url_of(recorder), root=ROOT
    )
    assert result.exit_code == 4
    assert "the answer is not SPARQL results (text/html)" in result.stderr
    assert result.stderr.count("\n") == 1


def test_unauthorised_says_where_credentials_go(recorder: ThreadingHTTPServer) -> None:
    recorder.answer = (401, {"Content-Type": "text/plain"}, b"Unauthorized\nmore")  # type: ignore[attr-defined]
    with pytest.raises(remote.RemoteError) as excinfo:
        remote.query(remote.endpoint(url_of(recorder), env={}), "ASK {}")
    assert str(excinfo.value) == (
        f"{url_of(recorder)}: HTTP 401 Unauthorized: Unauthorized "
        "(set AIPLUS_ENDPOINT_USER and AIPLUS_ENDPOINT_PASSWORD, or AIPLUS_ENDPOINT_TOKEN)"
    )


def test_push_sends_each_graph_as_turtle(recorder: ThreadingHTTPServer) -> None:
    recorder.answer = (204, {}, b"")  # type: ignore[attr-defined]
    result = run_cli("push", "--endpoint", url_of(recorder, "/store?x=1"))
    assert result.exit_code == 0, result.stderr
    seen = recorder.seen  # type: ignore[attr-defined]
    assert [path for path, _, _ in seen] == [
        "/store?x=1&graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fontology",
        "/store?x=1&graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fgraph%2Freference",
        "/store?x=1&graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fsource%2Fa-one",
        "/store?x=1&graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fsource%2Fa-two",
        "/store?x=1&graph=https%3A%2F%2Fw3id.org%2Faiplus%2Fgraph%2Fvoid",
    ]
    assert all(h["Content-Type"] == "text/turtle; charset=utf-8" for _, h, _ in seen)
    assert (
        b"<https://w3id.org/aiplus/id/huawei> <https://w3id.org/aiplus/ontology#develops>"
        in (seen[2][2])
    )


def test_timeout_is_exit_4() -> None:
    # a server that accepts the connection and never answers
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        started = time.monotonic()
        args = ("query", "articles", "--format", "json", "--endpoint", url, "--timeout", "1")
        result = run_cli(*args, root=ROOT)
        elapsed = time.monotonic() - started
    assert result.exit_code == 4
    assert result.stderr == f"aiplus: error: {url}: no answer within 1 s (see --timeout)\n"
    assert elapsed < 30
