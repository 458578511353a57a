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
``AIPLUS_ENDPOINT_USER`` and ``AIPLUS_ENDPOINT_PASSWORD`` (HTTP Basic). A value with a
line break or another control character, white space at either end, or (the token)
anything but visible ASCII is refused before any request (:class:`InputError`, naming
the variable, never the value). A URL with ``user:password@`` in it is refused.
Redirects are not followed (the error names the new address), so credentials never go
to another host. Proxies from the usual ``http_proxy``/``https_proxy``/``no_proxy``
variables apply, except to loopback addresses.

Every message shows URLs and server text through :func:`redact`: no user or password,
parameters that look like credentials (``token=``, ``api_key=``, ``password=``...)
masked, and the credentials themselves masked wherever the server echoes them.

Each request has one deadline, ``timeout`` seconds for everything (connecting, sending,
the headers and the whole body): a watchdog shuts the connection when it passes, so a
server that drips its answer cannot hold the client. Answers are read in chunks and
refused as soon as they pass ``max_answer_size`` bytes (or announce more).

Every failure to talk to the endpoint (unreachable host, timeout, HTTP error, an
answer too large or not SPARQL results) is a :class:`RemoteError`: one line, exit code
4.

Some stores cut an answer short and still say 200 OK: Virtuoso stops at its
``ResultSetMaxRows`` (10,000 rows by default, the header ``X-SPARQL-MaxRows`` saying
so) and, when a query runs past its time, may send the rows it has with
``X-SQL-State: S1TAT``. :func:`query` notices such an answer (see
:func:`partial_reason`, which also suspects a row count equal to a cap of
:data:`KNOWN_ROW_CAPS`) and refuses it with a :class:`PartialAnswerError` (exit code 1)
unless told to take it.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.query import Result
from rdflib.term import Node

from aiplus_kg.defaults import DEFAULT_MAX_ANSWER_SIZE, DEFAULT_TIMEOUT, VERSION
from aiplus_kg.errors import AiplusError, InputError
from aiplus_kg.export.canon import canonical_lines, graph_tag
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID, graph_name, named_graphs
from aiplus_kg.query.catalogue import SavedQuery
from aiplus_kg.query.results import Results
from aiplus_kg.query.tokens import tokens as sparql_tokens
from aiplus_kg.query.tokens import where_group
from aiplus_kg.query.values import bind_values

__all__ = [
    "DEFAULT_MAX_ANSWER_SIZE",
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "KNOWN_ROW_CAPS",
    "MASK",
    "Endpoint",
    "PartialAnswerError",
    "PushedGraph",
    "RemoteError",
    "check_credential",
    "endpoint",
    "graph_url",
    "is_credential_name",
    "is_loopback",
    "partial_reason",
    "push",
    "query",
    "query_limit",
    "redact",
    "redact_url",
    "run_saved_remote",
    "size_text",
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
_CHUNK = 65536


class RemoteError(AiplusError):
    """The endpoint could not be reached, timed out, refused or sent a bad answer."""

    exit_code = 4


class PartialAnswerError(AiplusError):
    """The endpoint's answer is, or looks, cut short (see :func:`partial_reason`)."""

    exit_code = 1


KNOWN_ROW_CAPS = frozenset({10_000})
"""Row counts at which a store may cut an answer without saying so: 10,000 is
Virtuoso's default ``ResultSetMaxRows`` (in ``virtuoso.ini``, section ``[SPARQL]``)."""

PARTIAL_STATE = "S1TAT"
"""The ``X-SQL-State`` with which Virtuoso sends the rows of a query stopped by its
time limit (an "anytime" query)."""


# --- redaction ------------------------------------------------------------------------

MASK = "***"
"""What a credential is replaced with in messages."""

_CREDENTIAL_NAME = re.compile(
    r"token|key|secret|pass|pwd|auth|sig|session|credential|cookie|bearer|jwt"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"']+")
_URL_TAIL = ".,:;!?)]}"
_PATH_SEPARATORS = re.compile(r"([/;])")
_QUERY_SEPARATORS = re.compile(r"([&;])")


def is_credential_name(name: str) -> bool:
    """Whether a URL parameter named ``name`` looks like it carries a credential
    (``token``, ``access_token``, ``api-key``, ``apikey``, ``password``, ``auth``,
    ``signature``, ``sessionid``...). Generous: showing a harmless value masked is
    better than showing a secret."""
    plain = urllib.parse.unquote_plus(name).lower()
    return bool(_CREDENTIAL_NAME.search(re.sub(r"[^a-z]", "", plain)))


def _printable(text: str) -> str:
    """``text`` on one line: control and other unprintable characters escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _find(text: str, sub: str, start: int) -> int:
    """Where ``sub`` is in ``text`` from ``start`` on; the end of ``text`` if nowhere."""
    found = text.find(sub, start)
    return found if found >= 0 else len(text)


@dataclass(frozen=True)
class _URLParts:
    """A URL cut as written (nothing decoded or normalised): ``start`` (the scheme and
    ``//``), ``userinfo`` (up to its ``@``), ``host``, ``path``, ``query`` (from its
    ``?``) and ``fragment`` (from its ``#``)."""

    start: str
    userinfo: str
    host: str
    path: str
    query: str
    fragment: str

    @classmethod
    def of(cls, url: str) -> _URLParts:
        scheme = url.find("://")
        begin = scheme + 3 if scheme >= 0 else 0
        hash_at = url.find("#", begin)
        fragment = url[hash_at:] if hash_at >= 0 else ""
        rest = url[begin : len(url) - len(fragment)]
        question = rest.find("?")
        query = rest[question:] if question >= 0 else ""
        rest = rest[: len(rest) - len(query)]
        at = rest.rfind("@", 0, _find(rest, "/", 0))
        if at < 0 and ":" in rest[: max(rest.rfind("@"), 0)]:
            # user:pa/ss@host: not user information to urllib, a password all the same
            at = rest.rfind("@")
        authority = rest[: _find(rest, "/", max(at, 0))]
        return cls(
            url[:begin],
            authority[: at + 1] if at >= 0 else "",
            authority[at + 1 :],
            rest[len(authority) :],
            query,
            fragment,
        )

    def pieces(self) -> list[tuple[str, list[str]]]:
        """The path, the query and the fragment, each cut into its parameters."""
        return [
            (self.path, _PATH_SEPARATORS.split(self.path)),
            (self.query, _QUERY_SEPARATORS.split(self.query[1:])),
            (self.fragment, _QUERY_SEPARATORS.split(self.fragment[1:])),
        ]


def _masked_parameters(pieces: list[str]) -> str:
    for i, piece in enumerate(pieces):
        name, equals, value = piece.partition("=")
        if equals and value and is_credential_name(name):
            pieces[i] = f"{name}={MASK}"
    return "".join(pieces)


def redact_url(url: str) -> str:
    """``url`` fit to show: no ``user:password@``, the value of every parameter that
    looks like a credential (in the query, the fragment or the path) masked, and
    unprintable characters escaped. The rest is kept as written."""
    parts = _URLParts.of(_printable(url))
    shown = [parts.start, f"{MASK}@" if parts.userinfo else "", parts.host]
    for (text, pieces), lead in zip(parts.pieces(), ("", "?", "#"), strict=True):
        if text:
            shown += [text[: len(lead)], _masked_parameters(pieces)]
    return "".join(shown)


def _url_secrets(url: str) -> list[str]:
    """The values of the credential-looking parameters of ``url``, as written and
    decoded (a URL with user information is refused; its display hides it)."""
    found: list[str] = []
    for _, pieces in _URLParts.of(url).pieces():
        for piece in pieces:
            name, equals, value = piece.partition("=")
            if equals and value and is_credential_name(name):
                found += [value, urllib.parse.unquote(value), urllib.parse.unquote_plus(value)]
    return found


def _redact_url_match(match: re.Match[str]) -> str:
    found = match.group(0)
    url = found.rstrip(_URL_TAIL)
    return redact_url(url) + found[len(url) :]


def _mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by :data:`MASK`, until none is left (a
    replacement can join the text around it into a secret). A secret made of the mask's
    own characters is left: it could not be hidden."""
    variants = {v for s in secrets for v in (s, " ".join(s.split())) if v.strip(MASK[0])}
    ordered = sorted(variants, key=len, reverse=True)
    while any(secret in text for secret in ordered):
        for secret in ordered:
            text = text.replace(secret, MASK)
    return text


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` (a message, a URL, a server's words) fit to show on one line: white
    space runs made single spaces, unprintable characters escaped, every URL in it
    through :func:`redact_url`, and each of ``secrets`` masked wherever it appears. The
    one way this module shows a URL, a header or what a server said."""
    secrets = tuple(secrets)
    text = _mask(" ".join(text.split()), secrets)
    text = _URL.sub(_redact_url_match, _printable(text))
    return _mask(text, secrets)


# --- the endpoint ---------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """A remote URL with its deadline per request (seconds), the largest answer read
    (bytes, 0 for no limit), the headers that authenticate and the secrets that
    messages mask."""

    url: str
    timeout: float = DEFAULT_TIMEOUT
    auth: Mapping[str, str] = field(default_factory=dict, repr=False)
    max_answer_size: int = DEFAULT_MAX_ANSWER_SIZE
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        return (
            f"Endpoint({self.redact(self.url)!r}, timeout={self.timeout!r}, "
            f"max_answer_size={self.max_answer_size!r})"
        )

    def redact(self, text: str) -> str:
        """``text`` with this endpoint's credentials masked (see :func:`redact`)."""
        return redact(text, (*self.secrets, *_url_secrets(self.url)))

    def error(self, message: str) -> RemoteError:
        return RemoteError(self.redact(message))


def check_credential(name: str, value: str, *, header: bool) -> None:
    """Refuse the value of the environment variable ``name`` if it cannot be a
    credential: white space at either end (such as the ``\\r`` of a file saved with
    Windows line ends), a control character, text that is not valid Unicode or, when it
    goes in the header as it is (``header``: the token), anything but visible ASCII.
    The message names the variable, never the value."""
    if value != value.strip():
        raise InputError(f"{name} starts or ends with white space or a line break; remove it")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise InputError(f"{name} holds a control character or a line break; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{name} is not valid text in the locale's encoding") from None
    if header and not all("!" <= c <= "~" for c in value):
        raise InputError(
            f"{name} holds characters that cannot go in an HTTP header: "
            "only visible ASCII characters, no spaces"
        )


def _credentials(env: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The headers that authenticate, and every form of the credentials to mask."""
    token = env.get(ENV_TOKEN, "")
    user, password = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, "")
    if token and (user or password):
        raise InputError(f"set either {ENV_TOKEN} or {ENV_USER} and {ENV_PASSWORD}, not both")
    if token:
        check_credential(ENV_TOKEN, token, header=True)
        return {"Authorization": f"Bearer {token}"}, (token,)
    if bool(user) != bool(password):
        missing = ENV_PASSWORD if user else ENV_USER
        present = ENV_USER if user else ENV_PASSWORD
        raise InputError(f"{present} is set but {missing} is not")
    if user:
        check_credential(ENV_USER, user, header=False)
        check_credential(ENV_PASSWORD, password, header=False)
        if ":" in user:
            raise InputError(f"{ENV_USER} holds a colon, which HTTP Basic does not allow")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}, (user, password, f"{user}:{password}", pair)
    return {}, ()


def endpoint(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_answer_size: int = DEFAULT_MAX_ANSWER_SIZE,
    env: Mapping[str, str] | None = None,
) -> Endpoint:
    """Check ``url`` (``http`` or ``https``, a host, no credentials in it) and read the
    credentials from ``env`` (default: the process environment)."""
    shown = redact(url, _url_secrets(url))
    if any(c.isspace() or not c.isprintable() for c in url):
        raise InputError(
            f"--endpoint {shown}: the URL holds spaces or control characters; percent-encode them"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        hostname, username, password = parts.hostname, parts.username, parts.password
        parts.port  # noqa: B018 (checks the port)
    except ValueError as exc:
        raise InputError(f"--endpoint {shown}: not a URL: {redact(str(exc))}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise InputError(f"--endpoint {shown}: give an http:// or https:// URL")
    if username is not None or password is not None:
        raise InputError(
            f"--endpoint: put no credentials in the URL; set {ENV_USER} and {ENV_PASSWORD} "
            f"(or {ENV_TOKEN}) in the environment"
        )
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    if max_answer_size < 0:
        raise InputError("--max-answer-size must be 0 (no limit) or positive")
    auth, secrets = _credentials(os.environ if env is None else env)
    return Endpoint(url, timeout, auth, max_answer_size, secrets)


def size_text(size: int) -> str:
    """``size`` bytes for a message: ``256 MiB``, ``1.5 KiB``, ``100 bytes``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}"
    return f"{size} bytes"


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


class _Deadline:
    """The end of one request. Past it, a watchdog thread shuts down the request's
    sockets, which wakes a read blocked on them however slowly the server sends; the
    socket timeouts alone are per read, so a server that drips a byte a second would
    never trip them."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[http.client.HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        """Seconds left; a ``TimeoutError`` when none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError
        return left

    def watch(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)

    def keep(self, sock: socket.socket | None) -> None:
        """Remember ``sock``: urllib lets go of the connection's socket once the
        headers are read, the answer's body still coming through it."""
        if sock is not None:
            with self._lock:
                self._sockets.append(sock)
                expired = self.expired
            if expired:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = [c.sock for c in self._connections if c.sock is not None]
            sockets += self._sockets
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # the plain socket's shutdown: under TLS too, only the connection ends
        with contextlib.suppress(OSError):  # already closed, or handed to TLS
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()


class _HTTPConnection(http.client.HTTPConnection):
    deadline: _Deadline

    def connect(self) -> None:
        self.timeout = self.deadline.remaining()
        super().connect()
        self.deadline.keep(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    deadline: _Deadline
    tls: ssl.SSLContext

    def connect(self) -> None:
        # http.client's own steps, the handshake apart, so that the watchdog holds the
        # TLS socket before the server sends its first byte
        self.timeout = self.deadline.remaining()
        http.client.HTTPConnection.connect(self)  # TCP, and the tunnel through a proxy
        self.deadline.keep(self.sock)
        host = getattr(self, "_tunnel_host", None) or self.host
        sock = self.tls.wrap_socket(self.sock, server_hostname=host, do_handshake_on_connect=False)
        self.sock = sock
        self.deadline.keep(sock)
        sock.do_handshake()


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def _connection(self, host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
        connection = _HTTPConnection(host, **kwargs)
        connection.deadline = self.deadline
        self.deadline.watch(connection)
        return connection

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def _connection(self, host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
        # as http.client makes its own, once per connection (loading the certificates
        # takes tens of milliseconds: not for plain HTTP): ALPN for HTTP/1.1,
        # post-handshake authentication
        context = ssl.create_default_context()
        context.set_alpn_protocols(["http/1.1"])
        if context.post_handshake_auth is not None:
            context.post_handshake_auth = True
        connection = _HTTPSConnection(host, context=context, **kwargs)
        connection.deadline, connection.tls = self.deadline, context
        self.deadline.watch(connection)
        return connection

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


def _opener(url: str, deadline: _Deadline) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    proxies = urllib.request.ProxyHandler({} if is_loopback(host) else None)
    return urllib.request.build_opener(
        proxies, _NoRedirect(), _HTTPHandler(deadline), _HTTPSHandler(deadline)
    )


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 1] + "…"
    return ""


def _http_error(target: Endpoint, url: str, exc: urllib.error.HTTPError) -> RemoteError:
    try:
        body = exc.read(4096) if exc.fp is not None else b""
    except (OSError, http.client.HTTPException):
        body = b""
    message = f"{url}: HTTP {exc.code} {exc.reason}"
    if 300 <= exc.code < 400 and exc.headers.get("Location"):
        return target.error(f"{message}: redirected to {exc.headers['Location']}; use that URL")
    detail = _first_line(body)
    if exc.code in (401, 403):
        hint = f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
        detail = f"{detail} ({hint})" if detail else hint
    return target.error(f"{message}: {detail}" if detail else message)


def _timed_out(target: Endpoint, url: str) -> RemoteError:
    return target.error(f"{url}: no answer within {target.timeout:g} s (see --timeout)")


def _too_large(target: Endpoint, url: str) -> RemoteError:
    cap = size_text(target.max_answer_size)
    return target.error(f"{url}: answer larger than {cap} (see --max-answer-size)")


def _unreachable(target: Endpoint, url: str, reason: object) -> RemoteError:
    if isinstance(reason, TimeoutError):
        return _timed_out(target, url)
    if isinstance(reason, ConnectionRefusedError):
        return target.error(f"{url}: connection refused: is the endpoint running?")
    if isinstance(reason, socket.gaierror):
        return target.error(f"{url}: unknown host {urllib.parse.urlsplit(url).hostname}")
    if isinstance(reason, ssl.SSLError):
        return target.error(f"{url}: TLS error: {reason}")
    detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return target.error(f"{url}: cannot reach the endpoint: {detail}")


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """The response's headers, by lower-case name."""


def _announced_size(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _exchange(
    target: Endpoint, url: str, request: urllib.request.Request, deadline: _Deadline
) -> _Answer:
    try:
        response = _opener(url, deadline).open(request, timeout=deadline.remaining())
    except urllib.error.HTTPError as exc:
        with exc:
            raise _http_error(target, url, exc) from None
    with response:
        cap = target.max_answer_size
        announced = _announced_size(response.headers.get("Content-Length"))
        if cap and announced is not None and announced > cap:
            raise _too_large(target, url)
        chunks, size = [], 0
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if cap and size > cap:
                raise _too_large(target, url)
            chunks.append(chunk)
            deadline.remaining()
        if deadline.expired:  # the watchdog ended the body early
            raise TimeoutError
        headers = {name.lower(): value for name, value in response.headers.items()}
        content_type = response.headers.get("Content-Type", "")
        return _Answer(response.status, content_type, b"".join(chunks), headers)


def _request(
    target: Endpoint,
    url: str,
    *,
    method: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> _Answer:
    """One HTTP exchange, bounded by ``target.timeout`` in all (connecting, sending, the
    headers and the whole body) and by ``target.max_answer_size``."""
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("User-Agent", f"aiplus/{VERSION}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    for name, value in target.auth.items():
        request.add_unredirected_header(name, value)
    deadline = _Deadline(target.timeout)
    try:
        with deadline:
            return _exchange(target, url, request, deadline)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # once the watchdog has shut the connection, whatever broke is the deadline
        if deadline.expired or isinstance(exc, TimeoutError):
            raise _timed_out(target, url) from None
        if isinstance(exc, urllib.error.URLError):
            raise _unreachable(target, url, exc.reason) from None
        if isinstance(exc, (http.client.HTTPException, ConnectionError)):
            detail = str(exc) or type(exc).__name__
            raise target.error(f"{url}: the connection failed: {detail}") from None
        if isinstance(exc, ValueError):
            detail = str(exc) or type(exc).__name__
            raise target.error(f"{url}: the request could not be sent: {detail}") from None
        raise _unreachable(target, url, exc) from None


# --- queries ----------------------------------------------------------------------


def _results_format(content_type: str, body: bytes) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media.endswith("json"):
        return "json"
    if media.endswith("xml"):
        return "xml"
    return "json" if body.lstrip()[:1] == b"{" else "xml"


def _parse_results(target: Endpoint, answer: _Answer, ordered: bool) -> Results:
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
        raise target.error(
            f"{target.url}: the answer is not SPARQL results ({shown}): {detail}"
        ) from None
    return Results(variables, rows, None, ordered)


def _header_int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def partial_reason(
    headers: Mapping[str, str], results: Results, limit: int | None = None
) -> str | None:
    """Why an answer with these ``headers`` (by lower-case name) and ``results`` is, or
    looks, cut short; ``None`` when it looks whole. ``limit`` is the query's own
    ``LIMIT``, if any: as many rows as it asks for are no sign of a cap.

    * ``X-SQL-State: S1TAT`` (Virtuoso's "anytime" answer): the query was stopped and
      the rows are those found so far;
    * ``X-SPARQL-MaxRows: N`` with N rows or more: the store stopped at its cap;
    * a row count in :data:`KNOWN_ROW_CAPS`: a cap some stores apply silently.
    """
    if headers.get("x-sql-state", "").strip().upper() == PARTIAL_STATE:
        return (
            "the endpoint stopped the query and sent the rows found so far "
            f"(X-SQL-State: {PARTIAL_STATE})"
        )
    if results.is_boolean:
        return None
    rows = len(results.rows)
    if "x-sparql-maxrows" in headers:
        cap = _header_int(headers["x-sparql-maxrows"])
        if cap is None or rows >= cap:
            shown = cap if cap is not None else "its cap"
            return f"the endpoint cut the answer at {shown} rows (X-SPARQL-MaxRows)"
        return None
    if rows in KNOWN_ROW_CAPS and limit != rows:
        return (
            f"the answer has exactly {rows} rows, where some stores cut answers without "
            "saying so (Virtuoso's ResultSetMaxRows)"
        )
    return None


def query(
    target: Endpoint,
    text: str,
    *,
    ordered: bool = False,
    limit: int | None = None,
    allow_partial: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Results:
    """Run the query ``text`` on the SPARQL 1.1 Protocol endpoint ``target``.

    An answer that is, or looks, cut short (see :func:`partial_reason`; ``limit`` is
    the query's own ``LIMIT``) raises a :class:`PartialAnswerError`, unless
    ``allow_partial``: it is then returned, and ``warn`` called with the reason.
    """
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
    results = _parse_results(target, answer, ordered)
    reason = partial_reason(answer.headers, results, limit)
    if reason is not None:
        message = target.redact(f"{target.url}: {reason}")
        if not allow_partial:
            raise PartialAnswerError(f"{message}; refused (see --allow-partial)")
        if warn is not None:
            warn(message)
    return results


_DIGITS = re.compile(r"\s*(\d+)")


def query_limit(text: str) -> int | None:
    """The ``LIMIT`` after the outermost ``WHERE`` group of the query ``text``, if any."""
    found = list(sparql_tokens(text))
    group = where_group([kind for kind, _, _ in found])
    if group is None:
        return None
    for kind, start, end in found[group[1] + 1 :]:
        if kind == "word" and text[start:end].upper() == "LIMIT":
            digits = _DIGITS.match(text, end)
            return int(digits.group(1)) if digits else None
    return None


def run_saved_remote(
    target: Endpoint,
    saved: SavedQuery,
    bindings: Mapping[str, Node] | None = None,
    *,
    allow_partial: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Results:
    """Run a saved query on ``target`` with its parameter variables bound (see
    :func:`aiplus_kg.query.catalogue.bind_parameters`); a partial answer as for
    :func:`query`."""
    text = bind_values(saved.text, bindings or {})
    return query(
        target,
        text,
        ordered=saved.prepared.ordered,
        limit=query_limit(saved.text),
        allow_partial=allow_partial,
        warn=warn,
    )


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
            raise target.error(f"pushing {graph_name(iri)} failed ({before}): {exc}") from None
        pushed = PushedGraph(iri, count, answer.status)
        done.append(pushed)
        if progress is not None:
            progress(pushed)
    return done
