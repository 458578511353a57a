"""Answer SPARQL queries in worker processes, each with a deadline, a row cap and a
memory cap.

A Python thread cannot be stopped while an engine evaluates a query (and one regular
expression or one ``ORDER BY`` over a large join can run for minutes without giving
control back), so queries run in separate processes that can be killed. Each worker
answers on the engine the server was started with (the fast engine's pyoxigraph store,
or rdflib's dataset for the reference engine and for a query naming graphs with
``FROM``):

* :class:`QueryPool` starts ``workers`` fresh Python processes (``python -P -c``,
  so nothing is inherited from the server's threads and no script is re-imported),
  talking over two pipes each. Each loads the project, its saved queries, warms up,
  caps its own address space at what it then uses plus ``memory_mb`` (so the cap
  scales with the data; Linux), then seals itself with
  :func:`aiplus_kg.serve.sandbox.seal` (no network, no process, no file outside the
  Python installation). The kernel kills a worker when the server dies, even by
  SIGKILL (:func:`die_with_parent`).
* A request waits at most the deadline for a free worker (else 503, busy), its
  answer included: a worker that misses it is killed and replaced, and the request
  gets a 503.
* A worker reads the solutions one at a time and stops at ``max_rows + 1``: a query
  with more rows than the cap is refused (400) instead of cut short silently. Its
  answer comes back in chunks into a spool (memory up to :data:`SPOOL_IN_MEMORY`,
  then an anonymous temporary file), so the worker is free at once and a slow client
  costs the server no memory: the server streams the spool as the client reads.
* A watcher thread replaces every worker that dies (killed, out of memory, past the
  deadline), retrying with a growing pause until one starts, and logs each step; a
  request sent to a worker that had died meanwhile goes to another one.
* Each worker is single-threaded, so rdflib's query parser (the guard reads every
  query with it), which is not thread-safe, never runs in two threads at once.

Messages between the server and a worker are tuples: a request is
``("sparql", text, formats)`` or ``("saved", name, {param: value}, formats)``, with
``formats`` the acceptable results formats in order of preference; an answer is
``("ok", format, size)`` followed by the body's chunks, or ``("error", status,
message)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from aiplus_kg.defaults import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_WORKERS,
    Engine,
)
from aiplus_kg.errors import AiplusError, InputError
from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.query.limits import limit_memory

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MEMORY_MB",
    "DEFAULT_WORKERS",
    "Answer",
    "QueryPool",
    "answer",
    "die_with_parent",
    "exit_reason",
    "worker_entry",
    "worker_main",
]

START_TIMEOUT = 300.0
CHECKED_KEPT = 256
AGING = 4.0
COSTS_KEPT = 4096
"""How requests wait for a worker (:class:`_Dispatcher`)."""
WATCH_INTERVAL = 0.2
"""Seconds between two looks for dead workers."""
RESTART_PAUSE = 0.5
MAX_RESTART_PAUSE = 10.0
"""A worker that fails to start is retried after a pause that doubles up to this."""
CHUNK = 256 * 1024
"""Bytes of an answer per message from a worker, and per write to a client."""
SPOOL_IN_MEMORY = 128 * 1024
"""An answer larger than this waits for its client in a temporary file, not in memory
(1,024 connections at most: 128 MB)."""

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
    checked: OrderedDict[str, Any] = field(default_factory=OrderedDict)
    """The last :data:`CHECKED_KEPT` query texts read and checked by the guard (rdflib's
    parser takes 10-300 ms a query, the engine often 1 ms): a dashboard's repeated
    queries are parsed once."""

    def prepare(self, text: str) -> Any:
        from aiplus_kg.namespaces import PREFIXES
        from aiplus_kg.query.guard import prepare

        found = self.checked.get(text)
        if found is not None:
            self.checked.move_to_end(text)
            return found
        prepared = prepare(text, self.allowed, display="query", prefixes=dict(PREFIXES))
        self.checked[text] = prepared
        if len(self.checked) > CHECKED_KEPT:
            self.checked.popitem(last=False)
        return prepared


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
    from aiplus_kg.query.guard import QueryRefusedError, check_graphs
    from aiplus_kg.query.parameters import bind_parameters
    from aiplus_kg.query.results import serialize_results

    kind, formats = request[0], request[-1]
    try:
        if kind == "sparql":
            text = request[1]
            prepared = state.prepare(text)
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
        return ("ok", fmt, serialize_results(results, fmt, fixed=bindings))
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


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux), so that a
    server killed with SIGKILL leaves no worker behind; elsewhere, a thread watches."""
    import signal

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="aiplus-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


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
    for saved in catalogue.values():  # a saved query's text sent to /sparql: parsed already
        if not saved.parameters:
            state.prepare(saved.text)
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
    """The body of a worker process: load, seal, then answer requests until EOF. An
    answer goes back as ``("ok", format, size)`` followed by its body in chunks of at
    most :data:`CHUNK` bytes, so that neither side holds a second copy of it."""
    from aiplus_kg.serve.sandbox import seal

    try:
        state = _load_state(root, max_rows, engine)
    except AiplusError as exc:
        replies.send(("failed", str(exc)))
        return
    except Exception as exc:
        replies.send(("failed", f"internal error: {type(exc).__name__}: {exc}"))
        return
    limit_memory(memory_mb)
    seal()
    replies.send(("ready", sorted(str(g) for g in state.allowed)))
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        reply = answer(state, request)
        if reply[0] == "ok":
            body = memoryview(reply[2])
            replies.send(("ok", reply[1], len(body)))
            for at in range(0, len(body), CHUNK):
                replies.send_bytes(body[at : at + CHUNK])
            del body, reply
            continue
        replies.send(reply)
        if len(reply) > 3 and reply[3] == "retire":
            return


def worker_entry() -> None:
    """``python -c "...; worker_entry()" REQUEST_FD REPLY_FD ROOT MAX_ROWS MEMORY_MB
    ENGINE``."""
    import signal

    die_with_parent()
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


@dataclass
class Answer:
    """What the pool gives the server for one request: an answer (``status`` 200, its
    results ``format``, and its body of ``size`` bytes in ``body``, a spooled file read
    from the start), or an error (``status`` and a one-line ``message``)."""

    status: int
    format: str = ""
    body: IO[bytes] | None = None
    size: int = 0
    message: str = ""

    def chunks(self) -> Generator[bytes, None, None]:
        """The body, :data:`CHUNK` bytes at a time; the spool is closed at the end."""
        if self.body is None:
            return
        try:
            while chunk := self.body.read(CHUNK):
                yield chunk
        finally:
            self.body.close()

    def close(self) -> None:
        if self.body is not None:
            self.body.close()


def _error(status: int, message: str) -> Answer:
    return Answer(status, message=message)


def exit_reason(code: int | None) -> str:
    """How a process ended, in words (``code`` as :attr:`subprocess.Popen.returncode`)."""
    import signal

    if code is None:
        return "is still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}" + (" (out of memory?)" if code == -9 else "")
    return f"exited with status {code}"


class _LateError(Exception):
    pass


class _GoneError(Exception):
    """The worker was dead before it got the request (the request can go to another)."""


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
        # what a worker prints (a native library's panic, say) is kept for the error
        # message, not poured onto the server's standard error
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in kill())
        try:
            self.process = subprocess.Popen(
                command,
                pass_fds=(request_read, reply_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                env=env,
            )
        finally:
            os.close(request_read)
            os.close(reply_write)
        self.requests = Connection(request_write, readable=False)
        self.replies = Connection(reply_read, writable=False)
        self.retired = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float) -> list[str]:
        if not self.replies.poll(timeout):
            self.kill()
            raise InputError(f"a query worker was not ready within {timeout:g} s")
        try:
            message = self.replies.recv()
        except (EOFError, OSError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            said = self.last_words()
            self.kill()
            why = exit_reason(self.process.returncode)
            raise InputError(
                f"a query worker {why} while loading the project"
                + (f" ({said})" if said else "")
                + "; see --workers and --memory"
            ) from None
        if message[0] != "ready":
            self.kill()
            raise InputError(message[1])
        return list(message[1])

    def exchange(self, request: Reply, deadline_at: float, spool: IO[bytes]) -> Reply:
        """Send ``request``, and write the body of an answer into ``spool``; raises
        :class:`_GoneError`, :class:`_LateError`, or :class:`EOFError` (the worker died)."""
        try:
            self.requests.send(request)
        except OSError:
            raise _GoneError from None
        head = self._receive(deadline_at)
        if head[0] != "ok":
            return tuple(head)
        size = 0
        while size < head[2]:
            if not self.replies.poll(max(deadline_at - time.monotonic(), 0)):
                raise _LateError
            chunk = self.replies.recv_bytes()
            spool.write(chunk)
            size += len(chunk)
        return tuple(head)

    def _receive(self, deadline_at: float) -> Any:
        if not self.replies.poll(max(deadline_at - time.monotonic(), 0)):
            raise _LateError
        return self.replies.recv()

    def last_words(self) -> str:
        """The telling line of what the worker printed before it died, if any."""
        with contextlib.suppress(OSError, ValueError):
            self.stderr.seek(0)
            lines = self.stderr.read()[-65536:].decode("utf-8", "replace").splitlines()
            told = [line.strip() for line in lines if line.strip() and not line[0].isspace()]
            for line in told:
                if "memory" in line.lower() or "error" in line.lower():
                    return line[:200]
            return told[-1][:200] if told else ""
        return ""

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for conn in (self.requests, self.replies):
            with contextlib.suppress(OSError):
                conn.close()
        self.stderr.close()


class _Dispatcher:
    """Hands free workers to waiting requests (in the event loop): the request expected
    to finish first goes first, its place being its arrival time plus :data:`AGING`
    times what the same request took last (capped): short queries are not stuck behind
    long ones, and a long one waits a bounded while more than it would in a queue."""

    def __init__(self, cap: float) -> None:
        self.free: list[_Worker] = []
        self.waiting: list[tuple[float, int, asyncio.Future[_Worker]]] = []
        self.order = itertools.count()
        self.costs: OrderedDict[Any, float] = OrderedDict()
        self.cap = cap

    def place(self, key: Any, arrival: float) -> float:
        return arrival + min(AGING * self.costs.get(key, 0.0), self.cap)

    def cost(self, key: Any, seconds: float) -> None:
        before = self.costs.pop(key, seconds)
        self.costs[key] = 0.5 * before + 0.5 * seconds
        if len(self.costs) > COSTS_KEPT:
            self.costs.popitem(last=False)

    def release(self, worker: _Worker) -> None:
        while self.waiting:
            _, _, waiter = heapq.heappop(self.waiting)
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.free.append(worker)

    async def acquire(self, place: float, timeout: float) -> _Worker:
        if self.free and not self.waiting:
            return self.free.pop()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (place, next(self.order), waiter))
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except BaseException:  # timed out or cancelled: a worker given meanwhile goes back
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result())
            else:
                waiter.cancel()
            raise


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class QueryPool:
    """Worker processes answering queries over one project (see the module docstring).

    :meth:`start` loads them; :meth:`attach` hands them to an event loop, where
    :meth:`run` answers requests; a watcher thread replaces any worker that dies, and
    every restart is reported through ``log`` (standard error by default)."""

    def __init__(
        self,
        root: Path | str,
        *,
        workers: int = DEFAULT_WORKERS,
        deadline: float = DEFAULT_DEADLINE,
        max_rows: int = DEFAULT_MAX_ROWS,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        engine: Engine = "fast",
        log: Callable[[str], None] = _stderr,
    ) -> None:
        if workers < 1:
            raise InputError("--workers must be at least 1")
        self.root = str(root)
        self.size = workers
        self.deadline = deadline
        self.max_rows = max_rows
        self.memory_mb = memory_mb
        self.engine = engine
        self.log = log
        self.graphs: list[str] = []
        self.replaced = 0
        self._workers: set[_Worker] = set()
        self._waiting: list[_Worker] = []  # ready, not yet handed to the loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: _Dispatcher | None = None
        self._executor = ThreadPoolExecutor(workers + 1, thread_name_prefix="aiplus-worker-io")
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._wake = threading.Event()  # the watcher has work
        self._failed = threading.Event()  # a replacement failed to start
        self._started_ok = threading.Event()
        self._wanted = 0  # replacements to start

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._workers if not w.retired)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.root, self.max_rows, self.memory_mb, self.engine)
        with self._lock:
            self._workers.add(worker)
        return worker

    def start(self) -> QueryPool:
        """Start the workers and wait until each has loaded the project; a worker that
        cannot is an :class:`InputError` (the server cannot start)."""
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                self.graphs = worker.wait_ready(START_TIMEOUT)
        except BaseException:
            self.close()
            raise
        self._waiting.extend(started)
        threading.Thread(target=self._watch, name="aiplus-worker-watch", daemon=True).start()
        return self

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Answer requests in ``loop`` from now on (call it in the loop)."""
        with self._lock:
            self._loop = loop
            self._idle = _Dispatcher(cap=self.deadline / 4)
            for worker in self._waiting:
                self._idle.release(worker)
            self._waiting.clear()

    def _put_idle(self, worker: _Worker) -> None:
        with self._lock:
            if self._loop is None or self._idle is None:
                self._waiting.append(worker)
                return
            loop, idle = self._loop, self._idle
        with contextlib.suppress(RuntimeError):  # the loop is closed: the pool is too
            loop.call_soon_threadsafe(idle.release, worker)

    def _watch(self) -> None:
        """Replace the workers that die, and start the replacements. Workers are
        started from this one long-lived thread: the kernel kills a worker when the
        thread that started it ends (:func:`die_with_parent`)."""
        pause, next_try = RESTART_PAUSE, 0.0
        while not self._closed.is_set():
            self._wake.wait(WATCH_INTERVAL)
            self._wake.clear()
            with self._lock:
                dead = [w for w in self._workers if not w.retired and w.process.poll() is not None]
            for worker in dead:
                self._retire(worker, exit_reason(worker.process.returncode))
            while self._wanted and not self._closed.is_set() and time.monotonic() >= next_try:
                with self._lock:
                    self._wanted -= 1
                try:
                    fresh = self._spawn()
                except OSError as exc:
                    self.log(f"aiplus: cannot start a query worker: {exc}")
                    with self._lock:
                        self._wanted += 1
                    next_try, pause = time.monotonic() + pause, min(pause * 2, MAX_RESTART_PAUSE)
                    break
                ready = threading.Thread(
                    target=self._await_ready, args=(fresh,), name="aiplus-worker-ready", daemon=True
                )
                ready.start()
            if self._failed.is_set():
                self._failed.clear()
                self.log(f"aiplus: retrying in {pause:g} s")
                next_try, pause = time.monotonic() + pause, min(pause * 2, MAX_RESTART_PAUSE)
            elif self._started_ok.is_set():
                self._started_ok.clear()
                pause = RESTART_PAUSE

    def _await_ready(self, fresh: _Worker) -> None:
        began = time.monotonic()
        try:
            fresh.wait_ready(START_TIMEOUT)
        except AiplusError as exc:
            if self._closed.is_set():  # stopped by close(): nothing to report
                return
            with self._lock:
                if not fresh.retired:  # else the watcher saw it die and counted it
                    fresh.retired = True
                    self._workers.discard(fresh)
                    self._wanted += 1
            self.log(f"aiplus: a new query worker failed: {exc}")
            self._failed.set()
            self._wake.set()
            return
        if self._closed.is_set():
            fresh.kill()
            return
        self.log(f"aiplus: query worker {fresh.pid} ready in {time.monotonic() - began:.1f} s")
        self._started_ok.set()
        self._put_idle(fresh)

    def _retire(self, worker: _Worker, why: str) -> None:
        """Kill ``worker`` and have the watcher start its replacement, retrying until
        one starts; each step is logged."""
        with self._lock:
            if worker.retired:
                return
            worker.retired = True
            self._workers.discard(worker)
            if self._closed.is_set():
                worker.kill()
                return
            self.replaced += 1
            self._wanted += 1
        worker.kill()
        self.log(f"aiplus: query worker {worker.pid} {why}; starting a new one")
        self._wake.set()

    async def _acquire(self, place: float, deadline_at: float) -> _Worker:
        assert self._idle is not None, "attach() the pool to the loop first"
        while True:
            remaining = max(deadline_at - time.monotonic(), 0.001)
            worker = await self._idle.acquire(place, remaining)
            if worker.retired:
                continue
            if worker.process.poll() is not None:
                self._retire(worker, exit_reason(worker.process.returncode))
                continue
            return worker

    async def run(self, request: Reply, *, started: float | None = None) -> Answer:
        """Send ``request`` to a free worker and give its answer, or an error when no
        worker is free within the deadline (counted from ``started``, a
        :func:`time.monotonic` time) or the answer does not come within it."""
        arrival = time.monotonic() if started is None else started
        deadline_at = arrival + self.deadline
        assert self._idle is not None, "attach() the pool to the loop first"
        key = tuple(  # what is asked, whatever the format
            tuple(sorted(part.items())) if isinstance(part, dict) else part for part in request[:-1]
        )
        place = self._idle.place(key, arrival)
        loop = asyncio.get_running_loop()
        while True:
            try:
                worker = await self._acquire(place, deadline_at)
            except TimeoutError:
                return _error(503, f"the server is busy: no worker was free within {self._s}")
            began = time.monotonic()
            # closed by the caller, once the answer is sent (Answer.chunks)
            spool = tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY)  # noqa: SIM115
            try:
                reply = await loop.run_in_executor(
                    self._executor, worker.exchange, request, deadline_at, spool
                )
            except _GoneError:
                spool.close()
                self._retire(worker, exit_reason(worker.process.poll()))
                continue  # it never saw the request: another worker takes it
            except _LateError:
                spool.close()
                self._retire(worker, f"missed the {self._s} deadline")
                return _error(503, f"the query was stopped at the {self._s} deadline")
            except (EOFError, OSError):
                spool.close()
                self._retire(worker, exit_reason(worker.process.wait()))
                return _error(500, "the query worker stopped unexpectedly")
            except BaseException:  # cancelled: the worker may be mid-answer
                spool.close()
                self._retire(worker, "was interrupted")
                raise
            self._idle.cost(key, time.monotonic() - began)
            if reply[0] == "ok":
                spool.seek(0)
                self._idle_again(worker)
                return Answer(200, reply[1], spool, reply[2])
            spool.close()
            if len(reply) > 3 and reply[3] == "retire":
                self._retire(worker, "ran out of memory")
            else:
                self._idle_again(worker)
            return _error(reply[1], reply[2])

    def _idle_again(self, worker: _Worker) -> None:
        assert self._idle is not None
        self._idle.release(worker)

    @property
    def _s(self) -> str:
        return f"{self.deadline:g} s"

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed.set()
            workers = list(self._workers)
            self._workers.clear()
        self._wake.set()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.requests.send(None)
        for worker in workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(2)
            worker.kill()
        self._executor.shutdown(wait=False, cancel_futures=True)
