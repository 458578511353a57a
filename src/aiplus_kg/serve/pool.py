"""Answer SPARQL queries in worker processes, each with a hard deadline and a row cap.

A Python thread cannot be stopped while an engine evaluates a query (and one regular
expression or one ``ORDER BY`` over a large join can run for minutes without giving
control back), so queries run in separate processes that can be killed. Each worker
answers on the engine the server was started with (the fast engine's pyoxigraph store,
or rdflib's dataset for the reference engine and for a query naming graphs with
``FROM``):

* :class:`QueryPool` starts ``workers`` fresh Python processes (``python -P -c``,
  so nothing is inherited from the server's threads and no script is re-imported),
  talking over two pipes each. Each loads the project, its saved queries, warms up,
  then seals itself with :func:`aiplus_kg.serve.sandbox.seal` (no network, no process, no
  file outside the Python installation) and caps its own memory (``RLIMIT_AS``,
  where the system has it).
* A request waits at most the deadline for a free worker (else 503, busy), then at
  most the deadline for its answer: a worker that misses it is killed and replaced,
  and the request gets a 503. A client thus waits at most twice the deadline.
* A worker reads the solutions one at a time and stops at ``max_rows + 1``: a query
  with more rows than the cap is refused (400) instead of cut short silently.
* Each worker is single-threaded, so rdflib's query parser (the guard reads every
  query with it), which is not thread-safe, never runs in two threads at once.

Limits: the deadline bounds the time a client waits and the CPU a query can take; a
replacement worker takes about as long as loading the project to be ready, and
until then the pool has one worker less. Memory is bounded per worker by
``RLIMIT_AS`` on Linux only.

Messages between the server and a worker are tuples: a request is
``("sparql", text, formats)`` or ``("saved", name, {param: value}, formats)``, with
``formats`` the acceptable results formats in order of preference; an answer is
``("ok", format, body)`` or ``("error", status, message)``.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from aiplus_kg.defaults import DEFAULT_DEADLINE, DEFAULT_MAX_ROWS, DEFAULT_WORKERS, Engine
from aiplus_kg.errors import AiplusError, InputError, InternalError
from aiplus_kg.knowledge_graph import KnowledgeGraph

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_WORKERS",
    "QueryPool",
    "answer",
    "worker_entry",
    "worker_main",
]

DEFAULT_MEMORY_MB = 2048
START_TIMEOUT = 300.0

Reply = tuple[Any, ...]


# --- inside a worker ------------------------------------------------------------------


class _TooManyRowsError(Exception):
    pass


@dataclass
class _State:
    kg: KnowledgeGraph
    catalogue: Mapping[str, Any]
    allowed: frozenset[Any]
    max_rows: int


def _evaluate(
    state: _State, prepared: Any, text: str, prefixes: bool, bindings: Mapping[str, Any]
) -> Any:
    """The results of a checked query (its ``text``, the project prefixes declared if
    ``prefixes``), on the engine's store or dataset; at most ``max_rows`` rows."""
    from rdflib import Dataset, Variable
    from rdflib.query import ResultRow
    from rdflib.term import Identifier

    from aiplus_kg.namespaces import PREFIXES
    from aiplus_kg.query.results import Results

    cap = state.max_rows
    source = state.kg.query_source(bool(prepared.dataset_clause))
    if isinstance(source, Dataset):
        init: dict[str, Identifier] = {Variable(k): v for k, v in bindings.items()}
        result = source.query(prepared.query, initBindings=init)
        if prepared.form == "ASK":
            return Results(boolean=bool(result.askAnswer))
        rows: list[tuple[Any, ...]] = []
        for row in result:  # rdflib yields solutions lazily: stop at the cap
            if isinstance(row, ResultRow):
                rows.append(tuple(row))
            if len(rows) > cap:
                raise _TooManyRowsError
        variables = tuple(str(v) for v in (result.vars or ()))
        return Results(variables, tuple(rows), None, prepared.ordered)
    answer = source.select(text, bindings, PREFIXES if prefixes else None, limit=cap + 1)
    if isinstance(answer, bool):
        return Results(boolean=answer)
    if len(answer[1]) > cap:
        raise _TooManyRowsError
    return Results(answer[0], tuple(answer[1]), None, prepared.ordered)


def _pick(results: Any, formats: Sequence[str]) -> str | None:
    for fmt in formats:
        if not (results.is_boolean and fmt in ("csv", "tsv")):
            return fmt
    return None


def answer(state: _State, request: Reply) -> Reply:
    """The reply to one request (see the module docstring), inside a worker."""
    from aiplus_kg.namespaces import PREFIXES
    from aiplus_kg.query.guard import QueryRefusedError, check_graphs, prepare
    from aiplus_kg.query.parameters import bind_parameters
    from aiplus_kg.query.results import serialize_results

    kind, formats = request[0], request[-1]
    try:
        if kind == "sparql":
            text = request[1]
            prepared = prepare(text, state.allowed, display="query", prefixes=dict(PREFIXES))
            bindings: Mapping[str, Any] = {}
        elif kind == "saved":
            saved = state.catalogue.get(request[1])
            if saved is None:
                return ("error", 404, f"no saved query {request[1]!r}")
            bindings = bind_parameters(state.kg.query_source(), saved, request[2])
            check_graphs(saved.prepared, state.allowed)
            prepared, text = saved.prepared, saved.text
        else:
            return ("error", 500, f"unknown request {kind!r}")
        results = _evaluate(state, prepared, text, kind == "sparql", bindings)
        fmt = _pick(results, formats)
        if fmt is None:
            wanted = ", ".join(formats) or "none"
            return ("error", 406, f"an ASK answer has no form among the acceptable ({wanted})")
        return ("ok", fmt, serialize_results(results, fmt))
    except _TooManyRowsError:
        return (
            "error",
            400,
            f"the query has more than {state.max_rows} rows (the server's cap): "
            "add a LIMIT, or page with LIMIT and OFFSET",
        )
    except QueryRefusedError as exc:
        return ("error", 403, str(exc))
    except InputError as exc:
        return ("error", 400, str(exc))
    except MemoryError:
        return ("error", 503, "the query needed more memory than a worker may use", "retire")
    except Exception as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return ("error", 500, f"the query failed: {type(exc).__name__}: {detail}")


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # not on this system
        return
    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_WARM_UP = """
SELECT ?s (COUNT(?o) AS ?n) (SAMPLE(STR(?o)) AS ?t) WHERE {
  VALUES ?s { <https://w3id.org/aiplus/ontology> }
  { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o FILTER(REGEX(STR(?o), "^a", "i")) }
  OPTIONAL {
    ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANGMATCHES(LANG(?l), "en"))
  }
  BIND(CONCAT(STR(?s), "x") AS ?c)
} GROUP BY ?s ORDER BY DESC(?n) LIMIT 3
"""


def _load_state(root: str, max_rows: int, engine: str) -> _State:
    import rdflib.plugins.sparql as rdflib_sparql

    from aiplus_kg.load.store import dataset_graphs
    from aiplus_kg.project import Project
    from aiplus_kg.query.catalogue import load_catalogue

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # never fetch a FROM graph
    project = Project(Path(root))
    kg = KnowledgeGraph(project, engine=engine, cache=None)
    catalogue = {q.name: q for q in load_catalogue(project)}
    state = _State(kg, catalogue, dataset_graphs(kg.dataset), max_rows)
    kg.query_source()  # the engine's store, filled before the sandbox closes
    # import what answering needs before the sandbox closes the file system
    for formats in (["json"], ["xml"], ["csv"], ["tsv"]):
        answer(state, ("sparql", _WARM_UP, formats))
    answer(state, ("sparql", "ASK { ?s ?p ?o }", ["json"]))
    graph = min(state.allowed, default=None)  # a FROM goes to rdflib: warm it up too
    if graph is not None:
        warm = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
        answer(state, ("sparql", warm, ["json"]))
    return state


def worker_main(
    requests: Connection,
    replies: Connection,
    root: str,
    max_rows: int,
    memory_mb: int | None,
    engine: str = "fast",
) -> None:
    """The body of a worker process: load, seal, then answer requests until EOF."""
    from aiplus_kg.serve.sandbox import seal

    try:
        state = _load_state(root, max_rows, engine)
    except AiplusError as exc:
        replies.send(("failed", str(exc)))
        return
    except Exception as exc:
        replies.send(("failed", f"internal error: {type(exc).__name__}: {exc}"))
        return
    seal()
    _limit_memory(memory_mb)
    replies.send(("ready", sorted(str(g) for g in state.allowed)))
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        reply = answer(state, request)
        replies.send(reply)
        if len(reply) > 3 and reply[3] == "retire":
            return


def worker_entry() -> None:
    """``python -c "...; worker_entry()" REQUEST_FD REPLY_FD ROOT MAX_ROWS MEMORY_MB
    ENGINE``."""
    import signal

    # Ctrl-C in the terminal reaches the whole process group: the server stops the
    # workers itself, and a worker whose server is gone sees its pipe close.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    request_fd, reply_fd, root, max_rows, memory_mb, engine = sys.argv[1:7]
    worker_main(
        Connection(int(request_fd), writable=False),
        Connection(int(reply_fd), readable=False),
        root,
        int(max_rows),
        int(memory_mb) or None,
        engine,
    )


# --- in the server ----------------------------------------------------------------------


_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


class _Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, root: str, max_rows: int, memory_mb: int | None, engine: str) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p
        )
        command = [
            sys.executable,
            "-P",
            "-c",
            "from aiplus_kg.serve.pool import worker_entry; worker_entry()",
            str(request_read),
            str(reply_write),
            root,
            str(max_rows),
            str(memory_mb or 0),
            engine,
        ]
        try:
            self.process = subprocess.Popen(
                command,
                pass_fds=(request_read, reply_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        finally:
            os.close(request_read)
            os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)

    def wait_ready(self, timeout: float) -> list[str]:
        if not self.replies.poll(timeout):
            self.kill()
            raise InternalError(f"a query worker was not ready within {timeout:g} s")
        try:
            message = self.replies.recv()
        except (EOFError, OSError):
            self.kill()
            raise InternalError("a query worker stopped while loading the project") from None
        if message[0] != "ready":
            self.kill()
            raise InputError(message[1])
        return list(message[1])

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for conn in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                conn.close()


class QueryPool:
    """Worker processes answering queries over one project (see the module docstring)."""

    def __init__(
        self,
        root: Path | str,
        *,
        workers: int = DEFAULT_WORKERS,
        deadline: float = DEFAULT_DEADLINE,
        max_rows: int = DEFAULT_MAX_ROWS,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        engine: Engine = "fast",
    ) -> None:
        if workers < 1:
            raise InputError("--workers must be at least 1")
        self.root = str(root)
        self.size = workers
        self.deadline = deadline
        self.max_rows = max_rows
        self.memory_mb = memory_mb
        self.engine = engine
        self.graphs: list[str] = []
        self.replaced = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def _spawn(self) -> _Worker:
        worker = _Worker(self.root, self.max_rows, self.memory_mb, self.engine)
        with self._lock:
            self._workers.add(worker)
        return worker

    def start(self) -> QueryPool:
        """Start the workers and wait until each has loaded the project."""
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                self.graphs = worker.wait_ready(START_TIMEOUT)
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise
        return self

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement in the background."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
            self.replaced += 1

        def replace() -> None:
            try:
                fresh = self._spawn()
                fresh.wait_ready(START_TIMEOUT)
            except AiplusError:
                return
            if self._closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=replace, name="aiplus-worker-restart", daemon=True).start()

    def run(self, request: Reply, *, started: float | None = None) -> Reply:
        """Send ``request`` to a free worker and return its answer, or an error reply
        when no worker is free within the deadline (counted from ``started``), or the
        answer does not come within the deadline."""
        began = time.monotonic() if started is None else started
        remaining = self.deadline - (time.monotonic() - began)
        try:
            worker = self._idle.get(timeout=max(remaining, 0.001))
        except queue.Empty:
            return ("error", 503, f"the server is busy: no worker was free within {self._s}")
        try:
            worker.requests.send(request)
            if not worker.replies.poll(self.deadline):
                self._retire(worker)
                return ("error", 503, f"the query was stopped at the {self._s} deadline")
            reply: Reply = worker.replies.recv()
        except (EOFError, OSError):
            self._retire(worker)
            return ("error", 500, "the query worker stopped unexpectedly")
        if len(reply) > 3 and reply[3] == "retire":
            self._retire(worker)
        else:
            self._idle.put(worker)
        return reply

    @property
    def _s(self) -> str:
        return f"{self.deadline:g} s"

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.requests.send(None)
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(2)
            worker.kill()

    def __enter__(self) -> QueryPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
