"""Remote triple stores: run queries over the SPARQL 1.1 Protocol, load graphs over
the SPARQL 1.1 Graph Store HTTP Protocol.

* :func:`query` sends a query as an HTML form (``POST``, ``query=...``), the one way
  every SPARQL 1.1 endpoint accepts, asks for ``application/sparql-results+json``
  (or XML) and reads the answer into :class:`~aiplus_kg.query.results.Results`.
* :func:`run_saved_remote` runs a saved query there with its parameters bound in the
  text by :func:`aiplus_kg.query.values.bind_values`, so that the answer is the one
  rdflib gives locally.
* :func:`push` replaces each named graph of a dataset in a store: one ``PUT
  URL?graph=IRI`` per graph (``?default`` for the default graph), the body being the
  graph's canonical N-Triples sent as ``text/turtle`` (N-Triples is a subset of
  Turtle, the syntax every Graph Store accepts).

Credentials come from the environment, never from the command line:
``AIPLUS_ENDPOINT_TOKEN`` (sent as ``Authorization: Bearer ...``), or
``AIPLUS_ENDPOINT_USER`` and ``AIPLUS_ENDPOINT_PASSWORD`` (HTTP Basic). A URL with
``user:password@`` in it is refused. Redirects are not followed (the error names the
new address), so credentials never go to another host. Proxies from the usual
``http_proxy``/``https_proxy``/``no_proxy`` variables apply, except to loopback
addresses.

Every failure to talk to the endpoint (unreachable host, timeout, HTTP error, an
answer that is not SPARQL results) is a :class:`RemoteError`: one line, exit code 4.
"""

from __future__ import annotations

import base64
import http.client
import io
import ipaddress
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef
from rdflib.query import Result
from rdflib.term import Node

from aiplus_kg.defaults import DEFAULT_TIMEOUT, VERSION
from aiplus_kg.errors import AiplusError, InputError
from aiplus_kg.export.canon import canonical_lines, graph_tag
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID, graph_name, named_graphs
from aiplus_kg.query.catalogue import SavedQuery
from aiplus_kg.query.results import Results
from aiplus_kg.query.values import bind_values

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "Endpoint",
    "PushedGraph",
    "RemoteError",
    "endpoint",
    "graph_url",
    "is_loopback",
    "push",
    "query",
    "run_saved_remote",
]

ENV_USER = "AIPLUS_ENDPOINT_USER"
ENV_PASSWORD = "AIPLUS_ENDPOINT_PASSWORD"
ENV_TOKEN = "AIPLUS_ENDPOINT_TOKEN"

RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/json;q=0.5, application/xml;q=0.4"
)
GRAPH_MEDIA_TYPE = "text/turtle; charset=utf-8"
_MAX_DETAIL = 200


class RemoteError(AiplusError):
    """The endpoint could not be reached, timed out, refused or sent a bad answer."""

    exit_code = 4


@dataclass(frozen=True)
class Endpoint:
    """A remote URL with its timeout (seconds) and the headers that authenticate."""

    url: str
    timeout: float = DEFAULT_TIMEOUT
    auth: Mapping[str, str] = field(default_factory=dict, repr=False)


def _credentials(env: Mapping[str, str]) -> dict[str, str]:
    token = env.get(ENV_TOKEN, "")
    user, password = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, "")
    if token and (user or password):
        raise InputError(f"set either {ENV_TOKEN} or {ENV_USER} and {ENV_PASSWORD}, not both")
    if token:
        return {"Authorization": f"Bearer {token}"}
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        present = ENV_USER if user else ENV_PASSWORD
        raise InputError(f"{present} is set but {missing} is not")
    if user:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


def endpoint(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, env: Mapping[str, str] | None = None
) -> Endpoint:
    """Check ``url`` (``http`` or ``https``, a host, no credentials in it) and read the
    credentials from ``env`` (default: the process environment)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint {url!r}: give an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InputError(
            f"--endpoint: put no credentials in the URL; set {ENV_USER} and {ENV_PASSWORD} "
            f"(or {ENV_TOKEN}) in the environment"
        )
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    return Endpoint(url, timeout, _credentials(os.environ if env is None else env))


# --- HTTP -------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    proxies = urllib.request.ProxyHandler({} if is_loopback(host) else None)
    return urllib.request.build_opener(proxies, _NoRedirect())


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 1] + "…"
    return ""


def _http_error(url: str, exc: urllib.error.HTTPError) -> RemoteError:
    try:
        body = exc.read(4096) if exc.fp is not None else b""
    except OSError:
        body = b""
    message = f"{url}: HTTP {exc.code} {exc.reason}"
    if 300 <= exc.code < 400 and exc.headers.get("Location"):
        return RemoteError(f"{message}: redirected to {exc.headers['Location']}; use that URL")
    detail = _first_line(body)
    if exc.code in (401, 403):
        hint = f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
        detail = f"{detail} ({hint})" if detail else hint
    return RemoteError(f"{message}: {detail}" if detail else message)


def _unreachable(url: str, reason: object, timeout: float) -> RemoteError:
    if isinstance(reason, TimeoutError):
        return RemoteError(f"{url}: no answer within {timeout:g} s (see --timeout)")
    if isinstance(reason, ConnectionRefusedError):
        return RemoteError(f"{url}: connection refused: is the endpoint running?")
    if isinstance(reason, socket.gaierror):
        return RemoteError(f"{url}: unknown host {urllib.parse.urlsplit(url).hostname}")
    if isinstance(reason, ssl.SSLError):
        return RemoteError(f"{url}: TLS error: {reason}")
    detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return RemoteError(f"{url}: cannot reach the endpoint: {detail}")


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes


def _request(
    target: Endpoint,
    url: str,
    *,
    method: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> _Answer:
    """One HTTP exchange, bounded by ``target.timeout`` in all (connection and body)."""
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("User-Agent", f"aiplus/{VERSION}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    for name, value in target.auth.items():
        request.add_unredirected_header(name, value)
    deadline = time.monotonic() + target.timeout
    try:
        with _opener(url).open(request, timeout=target.timeout) as response:
            chunks = []
            while chunk := response.read(65536):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise TimeoutError
            return _Answer(
                response.status, response.headers.get("Content-Type", ""), b"".join(chunks)
            )
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc) from None
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason, target.timeout) from None
    except TimeoutError as exc:
        raise _unreachable(url, exc, target.timeout) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        detail = str(exc) or type(exc).__name__
        raise RemoteError(f"{url}: the connection failed: {detail}") from None


# --- queries ----------------------------------------------------------------------


def _results_format(content_type: str, body: bytes) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media.endswith("json"):
        return "json"
    if media.endswith("xml"):
        return "xml"
    return "json" if body.lstrip()[:1] == b"{" else "xml"


def _parse_results(url: str, answer: _Answer, ordered: bool) -> Results:
    fmt = _results_format(answer.content_type, answer.body)
    try:
        parsed = Result.parse(io.BytesIO(answer.body), format=fmt)
        if parsed.type == "ASK":
            return Results(boolean=bool(parsed.askAnswer))
        variables = tuple(str(v) for v in parsed.vars or ())
        rows = tuple(tuple(row.get(v) for v in parsed.vars or ()) for row in parsed.bindings)
    except Exception as exc:  # rdflib's parsers raise assorted types
        shown = answer.content_type or "no content type"
        detail = " ".join(str(exc).split())[:_MAX_DETAIL] or type(exc).__name__
        raise RemoteError(f"{url}: the answer is not SPARQL results ({shown}): {detail}") from None
    return Results(variables, rows, None, ordered)


def query(target: Endpoint, text: str, *, ordered: bool = False) -> Results:
    """Run the query ``text`` on the SPARQL 1.1 Protocol endpoint ``target``."""
    body = urllib.parse.urlencode({"query": text}).encode("ascii")
    answer = _request(
        target,
        target.url,
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": RESULTS_ACCEPT,
        },
    )
    return _parse_results(target.url, answer, ordered)


def run_saved_remote(
    target: Endpoint, saved: SavedQuery, bindings: Mapping[str, Node] | None = None
) -> Results:
    """Run a saved query on ``target`` with its parameter variables bound (see
    :func:`aiplus_kg.query.catalogue.bind_parameters`)."""
    text = bind_values(saved.text, bindings or {})
    return query(target, text, ordered=saved.prepared.ordered)


# --- Graph Store Protocol -----------------------------------------------------------


@dataclass(frozen=True)
class PushedGraph:
    """One graph sent to the store, with its size and the store's answer."""

    graph: URIRef
    triples: int
    status: int


def graph_url(store: str, graph: URIRef) -> str:
    """The Graph Store URL of ``graph``: ``STORE?graph=IRI`` (``STORE?default`` for the
    default graph), keeping any query string ``store`` has."""
    parts = urllib.parse.urlsplit(store)
    param = "default" if graph == DEFAULT_GRAPH_ID else urllib.parse.urlencode({"graph": graph})
    query_string = f"{parts.query}&{param}" if parts.query else param
    return urllib.parse.urlunsplit(parts._replace(query=query_string))


def _body(graph_iri: URIRef, dataset: Dataset) -> tuple[bytes, int]:
    lines = canonical_lines(dataset.graph(graph_iri), tag=graph_tag(graph_iri))
    return "".join(f"{line}\n" for line in lines).encode("utf-8"), len(lines)


def push(
    target: Endpoint,
    dataset: Dataset,
    *,
    progress: Callable[[PushedGraph], None] | None = None,
) -> list[PushedGraph]:
    """Replace each non-empty graph of ``dataset`` in the Graph Store at ``target``.

    Graphs go one by one, in export order; ``progress`` is called after each. When one
    fails, the :class:`RemoteError` says which graphs were already replaced.
    """
    graphs: Iterable[URIRef] = [URIRef(str(g.identifier)) for g in named_graphs(dataset)]
    done: list[PushedGraph] = []
    for iri in graphs:
        body, count = _body(iri, dataset)
        url = graph_url(target.url, iri)
        try:
            answer = _request(
                target, url, method="PUT", body=body, headers={"Content-Type": GRAPH_MEDIA_TYPE}
            )
        except RemoteError as exc:
            before = f"{len(done)} graph(s) replaced before it" if done else "no graph replaced"
            raise RemoteError(f"pushing {graph_name(iri)} failed ({before}): {exc}") from None
        pushed = PushedGraph(iri, count, answer.status)
        done.append(pushed)
        if progress is not None:
            progress(pushed)
    return done
