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
* ``/``: the list of routes, as JSON.

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

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from aiplus_kg.defaults import DEFAULT_HOST, DEFAULT_PORT, VERSION, Engine
from aiplus_kg.errors import InputError
from aiplus_kg.project import Project
from aiplus_kg.query.catalogue import SavedQuery, catalogue_dict, load_catalogue
from aiplus_kg.query.remote import is_loopback
from aiplus_kg.serve.pool import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_WORKERS,
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
MAX_CONCURRENT = 64
IDLE_TIMEOUT = 30.0

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


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: routes requests to :class:`_Handler`, queries to the pool."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        pool: QueryPool,
        catalogue: Sequence[SavedQuery],
        *,
        quiet: bool = False,
    ) -> None:
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.pool = pool
        self.catalogue = {q.name: q for q in catalogue}
        self.quiet = quiet
        self.slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        self.base_url = f"http://{shown}:{port}"
        self.describe()
        listing = catalogue_dict(catalogue)
        for entry in listing:
            entry["url"] = f"{self.base_url}/queries/{entry['name']}"
            entry.pop("file", None)
        self.listing = _json_bytes(listing)

    def describe(self) -> None:
        """(Re)build the service description from the graphs the workers loaded."""
        self.description = service_description(f"{self.base_url}/sparql", self.pool.graphs)

    def close(self) -> None:
        """Stop listening and stop the query workers."""
        self.server_close()
        self.pool.close()


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = f"aiplus/{VERSION}"
    timeout = IDLE_TIMEOUT

    # --- plumbing ---------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        text = " ".join(message.split())
        self._send(status, f"error: {text}\n".encode(), "text/plain; charset=utf-8")

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise _RefusedError(411, "a POST needs a Content-Length")
        try:
            size = int(length)
        except ValueError:
            self.close_connection = True
            raise _RefusedError(400, "bad Content-Length") from None
        if size < 0 or size > MAX_BODY:
            self.close_connection = True
            raise _RefusedError(413, f"the request body is larger than {MAX_BODY} bytes")
        return self.rfile.read(size)

    def _params(self, query_string: str) -> dict[str, str]:
        params: dict[str, str] = {}
        try:
            pairs = urllib.parse.parse_qsl(
                query_string, keep_blank_values=True, strict_parsing=False, max_num_fields=100
            )
        except ValueError as exc:
            raise _RefusedError(400, f"bad parameters: {exc}") from None
        for name, value in pairs:
            if name in params:
                raise _RefusedError(400, f"parameter {name!r} given twice")
            params[name] = value
        return params

    def _dispatch(self) -> None:
        started = time.monotonic()
        if not self.server.slots.acquire(blocking=False):
            self._error(503, "the server is busy; try again")
            return
        try:
            self._route(started)
        except _RefusedError as refusal:
            self._error(refusal.status, str(refusal))
        except InputError as exc:
            self._error(400, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away
        except Exception as exc:
            self.close_connection = True
            self._error(500, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            self.server.slots.release()

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._send(
            405,
            b"error: this endpoint only answers GET and POST\n",
            "text/plain; charset=utf-8",
            Allow="GET, POST",
        )

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_allowed  # noqa: N815

    # --- routes -----------------------------------------------------------------

    def _route(self, started: float) -> None:
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        params = self._params(url.query)
        if self.command == "POST":
            params.update(self._post_params(path, params))
        if path == "/":
            self._index()
        elif path == "/sparql":
            self._sparql(params, started)
        elif path == "/queries" and self.command == "GET":
            self._send(200, self.server.listing, "application/json")
        elif path.startswith("/queries/") and self.command == "GET":
            self._saved(urllib.parse.unquote(path[len("/queries/") :]), params, started)
        else:
            raise _RefusedError(404, f"no such resource: {url.path} (see /)")

    def _post_params(self, path: str, params: Mapping[str, str]) -> dict[str, str]:
        if path != "/sparql":
            raise _RefusedError(405, "only /sparql takes POST")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._body()
        if media == "application/sparql-update":
            raise _RefusedError(403, "refused: this endpoint is read-only (no SPARQL Update)")
        if media == "application/sparql-query":
            if "query" in params:
                raise _RefusedError(400, "give the query either in the body or as a parameter")
            return {"query": body.decode("utf-8", "replace")}
        if media == "application/x-www-form-urlencoded":
            extra = self._params(body.decode("utf-8", "replace"))
            twice = set(extra) & set(params)
            if twice:
                raise _RefusedError(400, f"parameter {sorted(twice)[0]!r} given twice")
            return extra
        raise _RefusedError(
            415 if media else 400,
            "POST a form (application/x-www-form-urlencoded) or an application/sparql-query",
        )

    def _index(self) -> None:
        base = self.server.base_url
        routes = {
            "sparql": f"{base}/sparql",
            "service-description": f"{base}/sparql",
            "queries": f"{base}/queries",
            "query": f"{base}/queries/NAME?PARAM=VALUE",
            "formats": {fmt: media.split(";")[0] for fmt, media in MEDIA_TYPES.items()},
        }
        self._send(200, _json_bytes(routes), "application/json")

    def _sparql(self, params: Mapping[str, str], started: float) -> None:
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
            self._send(200, self.server.description, "text/turtle; charset=utf-8")
            return
        formats = self._formats(params)
        self._answer(self.server.pool.run(("sparql", text, formats), started=started))

    def _saved(self, name: str, params: Mapping[str, str], started: float) -> None:
        if name not in self.server.catalogue:
            raise _RefusedError(404, f"no saved query {name!r} (see /queries)")
        formats = self._formats(params)
        given = {k: v for k, v in params.items() if k != "format"}
        self._answer(self.server.pool.run(("saved", name, given, formats), started=started))

    def _formats(self, params: Mapping[str, str]) -> list[str]:
        formats = acceptable_formats(self.headers.get("Accept"), params.get("format"))
        if not formats:
            raise _RefusedError(406, f"no acceptable results format; offered: {_offered()}")
        return formats

    def _answer(self, reply: tuple[Any, ...]) -> None:
        if reply[0] == "ok":
            _, fmt, body = reply
            self._send(200, body, MEDIA_TYPES[fmt], Vary="Accept")
        else:
            status, message = reply[1], reply[2]
            if status == 406:
                message = f"{message}; offered: {_offered()}"
            self._error(status, message)


def _offered() -> str:
    return ", ".join(media.split(";")[0] for media in MEDIA_TYPES.values())


def make_server(
    project: Project,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    deadline: float = DEFAULT_DEADLINE,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int = DEFAULT_WORKERS,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    quiet: bool = False,
    engine: Engine = "fast",
) -> SparqlServer:
    """Bind ``host:port`` (``0``: any free port), then load the project in the query
    workers; call ``serve_forever()`` on the result, and ``close()`` at the end."""
    catalogue = load_catalogue(project)
    pool = QueryPool(
        Path(project.root),
        workers=workers,
        deadline=deadline,
        max_rows=max_rows,
        memory_mb=memory_mb,
        engine=engine,
    )
    try:
        server = SparqlServer((host, port), pool, catalogue, quiet=quiet)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from None
    try:
        pool.start()
    except BaseException:
        server.server_close()
        raise
    server.describe()
    return server
