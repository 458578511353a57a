"""``aiplus serve``: a read-only SPARQL 1.1 Protocol endpoint over the project's graph.

Routes (``GET`` unless said otherwise):

* ``/sparql?query=...``, or ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body: the answer in the results format the ``Accept``
  header prefers (``application/sparql-results+json`` by default,
  ``application/sparql-results+xml``, ``text/csv``, ``text/tab-separated-values``),
  or the one a ``format=json|xml|csv|tsv`` parameter names. The default graph is the
  union of the named graphs, and the project prefixes (``aip:``, ``id:``, ``src:``...)
  are declared.
* ``/sparql`` with no query: the SPARQL 1.1 Service Description, in Turtle.
* ``/queries``: the saved queries as JSON, each with its URL and parameters.
* ``/queries/NAME?PARAM=VALUE...``: runs a saved query (``format`` is reserved for the
  results format); a parameter takes what ``aiplus query --param`` takes.
* ``/``: the list of routes, as JSON (the site's first page to a client asking for
  HTML, such as a browser).
* ``/id/NAME``, ``/source/STEM``, ``/ontology``, ``/ontology/TERM``, ``/query/NAME``
  and the site's other files: the pages of ``aiplus site`` and each resource's
  description in RDF, by content negotiation (:mod:`aiplus_kg.serve.browse`), rendered
  when the server starts.

Safety, besides binding the loopback interface by default: queries run in worker
processes (:mod:`aiplus_kg.serve.pool`) with a deadline (503 past it), a row cap
(400 beyond it), no network and no file access (:mod:`aiplus_kg.serve.sandbox`). Updates
(the ``update`` parameter, ``application/sparql-update``, ``INSERT``, ``LOAD``...),
``SERVICE``, ``FROM``/``FROM NAMED`` of anything but the dataset's own graphs and the
``default-graph-uri``/``named-graph-uri`` parameters are refused (403 or 400) before
anything is evaluated. Request bodies are capped; idle connections are closed.

Status codes: 200; 400 bad request (syntax error, bad parameter, too many rows);
403 refused query form; 404 unknown route or saved query; 405 method not allowed;
406 no acceptable results format; 411/413 body without length or too large;
500 internal error; 503 deadline passed or server busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Generator, Mapping, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from aiplus_kg.defaults import DEFAULT_HOST, DEFAULT_PORT, VERSION, Engine
from aiplus_kg.errors import InputError
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import SavedQuery, catalogue_dict, load_catalogue
from aiplus_kg.query.remote import is_loopback
from aiplus_kg.serve.browse import Browser, PageRenderer, wants_html
from aiplus_kg.serve.pool import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_WORKERS,
    SPOOL_IN_MEMORY,
    Answer,
    QueryPool,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_BODY",
    "MEDIA_TYPES",
    "SparqlServer",
    "acceptable_formats",
    "is_loopback",
    "make_server",
    "service_description",
]

MAX_BODY = 1024 * 1024
MAX_CONNECTIONS = 1024
"""Connections and requests in progress at once; beyond, a request gets a 503."""
IDLE_TIMEOUT = 30.0
"""Seconds an idle keep-alive connection stays open."""
MAX_FIELDS = 100
"""Parameters a request may carry."""

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
_ACCEPTED = {
    "application/sparql-results+json": ["json"],
    "application/json": ["json"],
    "application/sparql-results+xml": ["xml"],
    "application/xml": ["xml"],
    "text/xml": ["xml"],
    "text/csv": ["csv"],
    "text/tab-separated-values": ["tsv"],
    "application/*": ["json", "xml"],
    "text/*": ["csv", "tsv", "xml"],
    "*/*": ["json", "xml", "csv", "tsv"],
}
_FORMAT_NAMES = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
}
SD = "http://www.w3.org/ns/sparql-service-description#"


def acceptable_formats(accept: str | None, explicit: str | None = None) -> list[str]:
    """The results formats an ``Accept`` header allows, best first (``format=``, when
    given, wins). No header means any format, JSON first."""
    if explicit:
        if explicit not in MEDIA_TYPES:
            raise InputError(f"format={explicit!r}: choose from {', '.join(MEDIA_TYPES)}")
        return [explicit]
    if not accept or not accept.strip():
        return list(MEDIA_TYPES)
    ranked: list[tuple[float, int, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        for rank, fmt in enumerate(_ACCEPTED.get(media.lower(), [])):
            ranked.append((-quality, position, rank, fmt))
    chosen: list[str] = []
    refused = {fmt for q, _, _, fmt in ranked if q == 0}
    for quality, _, _, fmt in sorted(ranked):
        if quality < 0 and fmt not in chosen and fmt not in refused:
            chosen.append(fmt)
    return chosen


def service_description(endpoint: str, graphs: Sequence[str]) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    sd = Graph(bind_namespaces="none")
    sd.bind("sd", SD)
    sd.bind("formats", "http://www.w3.org/ns/formats/")
    sd.bind("dcterms", "http://purl.org/dc/terms/")
    service, dataset, default = BNode("service"), BNode("dataset"), BNode("default")
    term = URIRef
    sd.add((service, RDF.type, term(SD + "Service")))
    sd.add((service, term(SD + "endpoint"), term(endpoint)))
    sd.add((service, term(SD + "supportedLanguage"), term(SD + "SPARQL11Query")))
    sd.add((service, term(SD + "feature"), term(SD + "UnionDefaultGraph")))
    for name in _FORMAT_NAMES.values():
        sd.add((service, term(SD + "resultFormat"), term("http://www.w3.org/ns/formats/" + name)))
    sd.add((service, term(SD + "defaultDataset"), dataset))
    sd.add((dataset, RDF.type, term(SD + "Dataset")))
    sd.add((dataset, term(SD + "defaultGraph"), default))
    sd.add((default, RDF.type, term(SD + "Graph")))
    for index, iri in enumerate(graphs):
        named = BNode(f"graph{index}")
        sd.add((dataset, term(SD + "namedGraph"), named))
        sd.add((named, RDF.type, term(SD + "NamedGraph")))
        sd.add((named, term(SD + "name"), term(iri)))
    sd.add((service, term("http://purl.org/dc/terms/description"), Literal("aiplus serve")))
    return sd.serialize(format="turtle", encoding="utf-8")


def allowed_hosts(host: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The ``Host`` headers the server answers (against DNS rebinding): the bound
    address (and ``localhost`` names for a loopback one), plus ``extra``; a wildcard
    bind (``0.0.0.0``, ``::``) with no ``extra`` admits any."""
    if extra:
        return [*extra]
    if host in ("", "0.0.0.0", "::"):
        return ["*"]
    names = {host.strip("[]")}
    if is_loopback(host):
        names.update({"localhost", "127.0.0.1", "::1"})
    shown = {f"[{n}]" if ":" in n else n for n in names}
    return sorted(shown) + sorted(f"{n}:{port}" for n in shown)


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _error(status: int, message: str, **headers: str) -> Response:
    text = " ".join(message.split())
    return Response(
        f"error: {text}\n".encode(), status, headers, media_type="text/plain; charset=utf-8"
    )


def _offered() -> str:
    return ", ".join(media.split(";")[0] for media in MEDIA_TYPES.values())


def parse_parameters(query_string: bytes | str) -> dict[str, str]:
    """The parameters of a query string or form body: UTF-8, each given once, at most
    :data:`MAX_FIELDS` of them; anything else is an :class:`InputError`."""
    raw = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    try:
        pairs = urllib.parse.parse_qsl(
            raw,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise InputError("bad parameters: not UTF-8") from None
    except ValueError as exc:
        raise InputError(f"bad parameters: {exc}") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InputError(f"parameter {name!r} given twice")
        params[name] = value
    return params


class SparqlApp:
    """The endpoint's routes, as a Starlette application answering from ``pool``."""

    def __init__(
        self,
        pool: QueryPool,
        catalogue: Sequence[SavedQuery],
        base_url: str,
        hosts: Sequence[str] = ("*",),
        browser: Browser | None = None,
    ) -> None:
        self.pool = pool
        self.browser = browser
        self.catalogue = {q.name: q for q in catalogue}
        self.base_url = base_url
        listing = catalogue_dict(catalogue)
        for entry in listing:
            entry["url"] = f"{base_url}/queries/{entry['name']}"
            entry.pop("file", None)
        self.listing = _json_bytes(listing)
        self.description = service_description(f"{base_url}/sparql", pool.graphs)
        every = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
        self.app = Starlette(
            routes=[
                Route("/", self._guarded(self._index), methods=every),
                Route("/sparql", self._guarded(self._sparql), methods=every),
                Route("/sparql/", self._guarded(self._sparql), methods=every),
                Route("/queries", self._guarded(self._queries), methods=every),
                Route("/queries/", self._guarded(self._queries), methods=every),
                Route("/queries/{name:path}", self._guarded(self._saved), methods=every),
                *(
                    [Route("/{path:path}", self._browse, methods=every)]
                    if browser is not None
                    else []
                ),
            ],
            middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
            exception_handlers={404: self._not_found},
            lifespan=self._lifespan,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self.pool.attach(asyncio.get_running_loop())
        yield

    async def _not_found(self, request: Request, _exc: Exception) -> Response:
        return _error(404, f"no such resource: {request.url.path} (see /)")

    def _guarded(self, route: Callable[[Request, float], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            started = time.monotonic()
            if request.method not in ("GET", "POST"):
                return _error(405, "this endpoint only answers GET and POST", Allow="GET, POST")
            try:
                response: Response = await route(request, started)
            except _RefusedError as refusal:
                return _error(refusal.status, str(refusal))
            except InputError as exc:
                return _error(400, str(exc))
            except ClientDisconnect:
                return Response(status_code=499)
            except Exception as exc:
                return _error(500, f"internal error: {type(exc).__name__}: {exc}")
            return response

        return endpoint

    async def _params(self, request: Request, post_allowed: bool) -> dict[str, str]:
        params = parse_parameters(request.scope.get("query_string", b""))
        if request.method == "POST":
            if not post_allowed:
                raise _RefusedError(405, "only /sparql takes POST")
            params.update(await self._post_params(request, params))
        return params

    async def _body(self, request: Request) -> bytes:
        length = request.headers.get("content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                raise _RefusedError(400, "bad Content-Length") from None
            if size < 0 or size > MAX_BODY:
                raise _RefusedError(413, f"the request body is larger than {MAX_BODY} bytes")
        elif "chunked" not in request.headers.get("transfer-encoding", "").lower():
            raise _RefusedError(411, "a POST needs a Content-Length")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise _RefusedError(413, f"the request body is larger than {MAX_BODY} bytes")
        return bytes(body)

    async def _post_params(self, request: Request, params: Mapping[str, str]) -> dict[str, str]:
        media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        body = await self._body(request)
        if media == "application/sparql-update":
            raise _RefusedError(403, "refused: this endpoint is read-only (no SPARQL Update)")
        if media == "application/sparql-query":
            if "query" in params:
                raise _RefusedError(400, "give the query either in the body or as a parameter")
            try:
                return {"query": body.decode("utf-8")}
            except UnicodeDecodeError:
                raise InputError("the query is not UTF-8") from None
        if media == "application/x-www-form-urlencoded":
            extra = parse_parameters(body)
            twice = set(extra) & set(params)
            if twice:
                raise _RefusedError(400, f"parameter {sorted(twice)[0]!r} given twice")
            return extra
        raise _RefusedError(
            415 if media else 400,
            "POST a form (application/x-www-form-urlencoded) or an application/sparql-query",
        )

    async def _index(self, request: Request, _started: float) -> Response:
        await self._params(request, post_allowed=False)
        browser = self.browser
        if browser is not None and wants_html(request.headers.get("accept")):
            return browser.file(request, "index.html", {"Vary": "Accept"})
        base = self.base_url
        routes: dict[str, object] = {
            "sparql": f"{base}/sparql",
            "service-description": f"{base}/sparql",
            "queries": f"{base}/queries",
            "query": f"{base}/queries/NAME?PARAM=VALUE",
            "formats": {fmt: media.split(";")[0] for fmt, media in MEDIA_TYPES.items()},
        }
        if browser is None:
            return Response(_json_bytes(routes), media_type="application/json")
        routes["pages"] = f"{base}/index.html"
        routes["resource"] = f"{base}/id/NAME"
        headers = {"Vary": "Accept"}
        return Response(_json_bytes(routes), headers=headers, media_type="application/json")

    async def _browse(self, request: Request) -> Response:
        """A page, a description or a file of the site (see :mod:`aiplus_kg.serve.browse`)."""
        assert self.browser is not None
        try:
            return await self.browser(request)
        except Exception as exc:
            return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    async def _queries(self, request: Request, _started: float) -> Response:
        await self._params(request, post_allowed=False)
        return Response(self.listing, media_type="application/json")

    async def _sparql(self, request: Request, started: float) -> Response:
        params = await self._params(request, post_allowed=True)
        if "update" in params:
            raise _RefusedError(403, "refused: this endpoint is read-only (no SPARQL Update)")
        for name in ("default-graph-uri", "named-graph-uri"):
            if name in params:
                raise _RefusedError(
                    400,
                    f"{name} is not supported: the dataset is fixed (name its graphs "
                    "with GRAPH, or FROM with the dataset's own graph IRIs)",
                )
        text = params.get("query")
        if text is None:
            return Response(self.description, media_type="text/turtle; charset=utf-8")
        formats = self._formats(request, params)
        return self._answer(await self.pool.run(("sparql", text, formats), started=started))

    async def _saved(self, request: Request, started: float) -> Response:
        name = request.path_params["name"]
        params = await self._params(request, post_allowed=False)
        if name not in self.catalogue:
            raise _RefusedError(404, f"no saved query {name!r} (see /queries)")
        formats = self._formats(request, params)
        given = {k: v for k, v in params.items() if k != "format"}
        return self._answer(await self.pool.run(("saved", name, given, formats), started=started))

    def _formats(self, request: Request, params: Mapping[str, str]) -> list[str]:
        formats = acceptable_formats(request.headers.get("accept"), params.get("format"))
        if not formats:
            raise _RefusedError(406, f"no acceptable results format; offered: {_offered()}")
        return formats

    def _answer(self, answer: Answer) -> Response:
        if answer.status != 200:
            message = answer.message
            if answer.status == 406:
                message = f"{message}; offered: {_offered()}"
            return _error(answer.status, message)
        headers = {"Content-Length": str(answer.size), "Vary": "Accept"}
        media = MEDIA_TYPES[answer.format]
        if answer.size <= SPOOL_IN_MEMORY:  # already in memory: one write
            body = b"".join(answer.chunks())
            return Response(body, headers={"Vary": "Accept"}, media_type=media)
        return StreamingResponse(
            iterate_in_thread(answer), headers=headers, media_type=MEDIA_TYPES[answer.format]
        )


async def iterate_in_thread(answer: Answer) -> AsyncIterator[bytes]:
    """The body of ``answer``, read from its spool file off the event loop; each chunk
    is handed over only once the client took the previous one (backpressure)."""
    chunks = answer.chunks()
    try:
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        chunks.close()
        answer.close()


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, stopped by SIGINT or SIGTERM without re-raising the signal
    once stopped, so that the command can close its workers and exit cleanly."""

    stopped_by: int | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        before = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.stopped_by = sig
        super().handle_exit(sig, frame)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.setblocking(False)
    return sock


BACKLOG = 2048
"""Connections the system queues before the server accepts them."""


class SparqlServer:
    """The endpoint: a listening socket, the query workers, and uvicorn serving
    :class:`SparqlApp` on them. :meth:`serve_forever` serves until :meth:`shutdown`
    (from another thread) or SIGINT/SIGTERM (in the main thread); :meth:`close` stops
    the workers."""

    def __init__(
        self,
        sock: socket.socket,
        pool: QueryPool,
        catalogue: Sequence[SavedQuery],
        *,
        hosts: Sequence[str] = (),
        quiet: bool = False,
        browser: Browser | None = None,
    ) -> None:
        self.socket = sock
        self.pool = pool
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        self.hosts = allowed_hosts(host, port, hosts)
        self.app = SparqlApp(pool, catalogue, self.base_url, self.hosts, browser)
        _log_to_stderr(quiet)
        config = uvicorn.Config(
            self.app.app,
            log_config=None,
            access_log=not quiet,
            lifespan="on",
            limit_concurrency=MAX_CONNECTIONS,
            backlog=BACKLOG,
            timeout_keep_alive=int(IDLE_TIMEOUT),
            timeout_graceful_shutdown=2,
            server_header=False,
            headers=[("server", f"aiplus/{VERSION}")],
            http="auto",  # httptools where installed, else h11
            loop="auto",  # uvloop where installed
            ws="none",
        )
        self.server = _Uvicorn(config)
        self._done = threading.Event()

    @property
    def stopped_by(self) -> int | None:
        """The signal that stopped the server, if one did."""
        return self.server.stopped_by

    def serve_forever(self, _poll_interval: float = 0.5) -> None:
        """Serve until stopped (see the class docstring)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self._done.set()

    def shutdown(self) -> None:
        """Stop serving (from another thread), and wait until it has."""
        self.server.should_exit = True
        self._done.wait(30)

    def close(self) -> None:
        """Stop listening and stop the query workers."""
        with contextlib.suppress(OSError):
            self.socket.close()
        self.pool.close()


def _log_to_stderr(quiet: bool) -> None:
    """uvicorn's messages: warnings and errors on standard error, and one line per
    request unless ``quiet``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("aiplus: %(message)s"))
    for name, level in (("uvicorn.error", logging.WARNING), ("uvicorn.access", logging.INFO)):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING if quiet and name == "uvicorn.access" else level)
        logger.propagate = False


def make_server(
    project: Project,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    deadline: float = DEFAULT_DEADLINE,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int = DEFAULT_WORKERS,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    hosts: Sequence[str] = (),
    quiet: bool = False,
    engine: Engine = "fast",
    log: Callable[[str], None] | None = None,
    pages: bool = True,
) -> SparqlServer:
    """Bind ``host:port`` (``0``: any free port), then load the project in the query
    workers and, meanwhile, its pages in a process of their own (unless ``pages`` is
    false); call
    ``serve_forever()`` on the result, and ``close()`` at the end. A server that cannot
    start (the port, the project, the limits) is an :class:`InputError` naming why."""
    catalogue = load_catalogue(project)
    sock = _listen(host, port)
    rendering = PageRenderer(project, engine) if pages else None
    extra = {} if log is None else {"log": log}
    pool = QueryPool(
        Path(project.root),
        workers=workers,
        deadline=deadline,
        max_rows=max_rows,
        memory_mb=memory_mb,
        engine=engine,
        **extra,
    )
    try:
        pool.start()
        browser = Browser(rendering.result()) if rendering is not None else None
    except BaseException:
        sock.close()
        pool.close()
        if rendering is not None:
            rendering.stop()
        raise
    return SparqlServer(sock, pool, catalogue, hosts=hosts, quiet=quiet, browser=browser)
