"""The same answers on every store the export goes to: ``aiplus export --format nq``
loaded as a user would into Virtuoso 7.2 (Debian's ``virtuoso-opensource``: its bulk
loader, then its ``/sparql`` endpoint) and into an Oxigraph server (``oxigraph load``,
then ``serve --union-default-graph``), and every saved query run there with ``aiplus
query --endpoint``'s client, its rows compared with the local ones.

Each store starts once for the module, on free loopback ports, in a temporary folder;
a store that is not installed or does not start is skipped with one line saying why.
Virtuoso runs as its own instance (its own ``virtuoso.ini``, database and ports), never
the system's service; the well-known password of its fresh database is changed at once.
Why the queries are written as they are: docs/stores.md, "Portable SPARQL".
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiplus_kg.query import remote
from aiplus_kg.query.parameters import bind_parameters
from aiplus_kg.query.run import run_saved
from tests.integration.test_remote import (
    NAMES,
    OTHER_PARAMETERS,
    Oxigraph,
    free_port,
    oxigraph_binary,
)
from tests.query_support import (
    ROOT,
    as_answered,
    default_results,
    difference,
    project_dataset,
    read_srj,
    saved,
)
from tests.support import run_cli

pytestmark = [pytest.mark.network, pytest.mark.slow]

READY_TIMEOUT = 60.0
AIPLUS_GRAPHS = "https://w3id.org/aiplus/"
STORES = ["virtuoso", "oxigraph"]


# --- the export -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``aiplus export --format nq``, in a folder of its own (the bulk loader reads a
    folder)."""
    path = tmp_path_factory.mktemp("export") / "aiplus.nq"
    result = run_cli("export", "--format", "nq", "-o", str(path), root=ROOT)
    assert result.exit_code == 0, result.stderr
    return path


def graph_sizes(path: Path) -> Counter[str]:
    """The number of quads of each graph of an N-Quads export (one quad a line, the
    graph last: the export writes no comments and no default-graph triples)."""
    sizes: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        graph = line.rstrip(" .").rsplit(" ", 1)[-1]
        sizes[graph.strip("<>")] += 1
    return sizes


# --- Virtuoso ---------------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
FileExtend         = 200
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 0
DirsAllowed        = ., {data}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000

[HTTPServer]
ServerPort    = 127.0.0.1:{http_port}
ServerRoot    = {db}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows      = 10000
MaxQueryExecutionTime = 60
"""
"""A Virtuoso instance of the tests' own: its files in ``db``, listening on loopback
only, its bulk loader allowed to read ``data``; the cap on rows is the default."""


class Virtuoso:
    """A Virtuoso server (``virtuoso-t``) in ``folder``, on free loopback ports, its
    SPARQL endpoint at ``self.sparql``; ``isql`` runs SQL as its administrator."""

    def __init__(self, folder: Path, data: Path) -> None:
        server = shutil.which("virtuoso-t")
        client = shutil.which("isql-vt") or shutil.which("isql-v")
        if server is None or client is None:
            pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        self.client, self.password = client, "dba"  # a fresh database's, changed below
        self.sql_port, http_port = free_port(), free_port()
        self.sparql = f"http://127.0.0.1:{http_port}/sparql"
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(db=folder, data=data, sql_port=self.sql_port, http_port=http_port),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [server, "-c", str(ini), "+foreground"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.log = folder / "virtuoso.log"
        try:
            self._wait_ready()
            new = secrets.token_hex(16)
            self.isql(f'SET PASSWORD "{self.password}" "{new}"')
            self.password = new
        except Exception:
            self.stop()
            raise

    def _last_log_line(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return lines[-1].strip() if lines else "no log"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.skip(f"Virtuoso did not start: {self._last_log_line()}")
            try:
                with urllib.request.urlopen(f"{self.sparql}?query=ASK%7B%7D", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        pytest.skip(f"Virtuoso was not ready within {READY_TIMEOUT:g} s")

    def isql(self, *statements: str) -> str:
        """Run SQL statements; their output, or an error naming the first one failing
        (never the password)."""
        script = "".join(f"{s};\n" for s in statements)
        run = subprocess.run(
            [self.client, f"127.0.0.1:{self.sql_port}", "dba", self.password, "VERBOSE=OFF"],
            input=script,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = run.stdout + run.stderr
        if run.returncode != 0 or "*** Error" in output:
            error = next((line for line in output.splitlines() if "Error" in line), output)
            raise RuntimeError(f"isql: {error.replace(self.password, '***')}")
        return output

    def load(self, export: Path) -> None:
        """The bulk loader, as the README says: each quad into its own named graph (the
        third argument is the graph of triples without one: the export has none)."""
        self.isql(
            f"ld_dir('{export.parent}', '{export.name}', '{AIPLUS_GRAPHS}graph/default')",
            "rdf_loader_run()",
            "checkpoint",
        )
        failed = self.isql(
            "SELECT 'failed: ' || CAST(COUNT(*) AS VARCHAR) FROM DB.DBA.LOAD_LIST"
            " WHERE ll_error IS NOT NULL"
        )
        assert "failed: 0" in failed, failed

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, export: Path) -> Iterator[str]:
    """The SPARQL endpoint of a Virtuoso holding the export."""
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), export.parent)
    try:
        server.load(export)
        yield server.sparql
    finally:
        server.stop()


# --- Oxigraph ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, export: Path) -> Iterator[str]:
    """The SPARQL endpoint of an Oxigraph server holding the export, its default graph
    the union of the named graphs."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("oxigraph")
    subprocess.run(
        [binary, "load", "--location", str(folder), "--file", str(export)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = Oxigraph(folder, "--union-default-graph")
    try:
        yield f"{server.base}/query"
    finally:
        server.stop()


def endpoint_of(request: pytest.FixtureRequest, store: str) -> remote.Endpoint:
    return remote.endpoint(str(request.getfixturevalue(store)), timeout=60, env={})


# --- what the stores hold -------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_each_named_graph_is_loaded_whole(
    request: pytest.FixtureRequest, store: str, export: Path
) -> None:
    counts = remote.query(
        endpoint_of(request, store),
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    stored = {str(g): int(n) for g, n in counts.rows if str(g).startswith(AIPLUS_GRAPHS)}
    assert stored == dict(graph_sizes(export))


@pytest.mark.parametrize("store", STORES)
def test_the_default_graph_holds_every_named_graph(
    request: pytest.FixtureRequest, store: str
) -> None:
    """Virtuoso's default graph is every graph without a setting (its own system
    graphs too); Oxigraph's, with --union-default-graph."""
    missing = remote.query(
        endpoint_of(request, store),
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }",
    )
    assert int(missing.rows[0][0]) == 0


# --- the saved queries --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("store", STORES)
def test_every_saved_query_gives_the_local_rows(
    request: pytest.FixtureRequest, store: str, name: str
) -> None:
    query = saved(name)
    values = bind_parameters(project_dataset(), query)
    answer = remote.run_saved_remote(endpoint_of(request, store), query, values)
    expected = as_answered(name, default_results(name))
    assert difference(as_answered(name, answer), expected) == ""


@pytest.mark.parametrize(("name", "params"), OTHER_PARAMETERS)
@pytest.mark.parametrize("store", STORES)
def test_other_parameters_give_the_local_rows(
    request: pytest.FixtureRequest, store: str, name: str, params: dict[str, str]
) -> None:
    query = saved(name)
    values = bind_parameters(project_dataset(), query, params)
    answer = remote.run_saved_remote(endpoint_of(request, store), query, values)
    assert difference(answer, run_saved(project_dataset(), query, params)) == ""


@pytest.mark.parametrize("store", STORES)
def test_aiplus_query_endpoint(request: pytest.FixtureRequest, store: str, tmp_path: Path) -> None:
    """The command itself, as a user runs it, on a query with a parameter."""
    url = str(request.getfixturevalue(store))
    args = ("query", "chip-to-goal", "-p", "chip=NVIDIA GPUs", "--format", "json")
    result = run_cli(*args, "--endpoint", url, root=ROOT)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "answer.srj"
    path.write_bytes(result.stdout_bytes)
    query = saved("chip-to-goal")
    local = run_saved(project_dataset(), query, {"chip": "NVIDIA GPUs"})
    assert difference(read_srj(path, ordered=True), as_answered("chip-to-goal", local)) == ""


# --- Virtuoso's cap on rows ---------------------------------------------------------------

MORE_THAN_THE_CAP = "SELECT ?s ?p ?o ?t WHERE { ?s ?p ?o . ?x a ?t } LIMIT 20000"


def test_virtuoso_cuts_a_long_answer_and_the_client_says_so(virtuoso: str) -> None:
    target = remote.endpoint(virtuoso, timeout=60, env={})
    with pytest.raises(remote.PartialAnswerError, match=r"at 10000 rows \(X-SPARQL-MaxRows\)"):
        remote.query(target, MORE_THAN_THE_CAP)
    warnings: list[str] = []
    answer = remote.query(target, MORE_THAN_THE_CAP, allow_partial=True, warn=warnings.append)
    assert len(answer.rows) == 10_000
    assert len(warnings) == 1
