"""Dereferenceable IRIs for ``aiplus serve``: the site's pages and each resource's
description in every RDF format, by content negotiation.

The pages are rendered once, when the server starts, by the renderer of ``aiplus site``
(:func:`aiplus_kg.views.site.build_site`) in a process of its own while the query
workers load (:class:`PageRenderer`), and kept in memory: the server's memory is that of
the site (about 11 MB for today's graph), whatever the traffic, and it never holds the
graph itself. The descriptions are held as N-Quads; a format other than N-Quads is made
from them when asked (the last :data:`CONVERTED_KEPT` kept).

* ``/id/NAME``, ``/source/STEM``, ``/ontology``, ``/ontology/TERM``, ``/query/NAME``:
  the resource, in the format the ``Accept`` header prefers among HTML and the RDF
  formats of ``aiplus export`` (Turtle, N-Triples, JSON-LD, TriG, N-Quads); with no
  ``Accept`` header (or only ``*/*``), HTML for a browser (by its ``User-Agent``), Turtle
  otherwise, as Pubby does. ``Vary: Accept, User-Agent``; ``Content-Location`` names the
  variant's own URL (relative: ``ascend-910b.ttl``).
* ``/id/NAME.html``, ``.ttl``, ``.nt``, ``.jsonld``, ``.trig``, ``.nq`` (and
  ``/ontology.html``...): one variant, with no negotiation; the site's other files
  (``/index.html``, ``/entities.html``, ``/assets/...``, ``/search-index.js``,
  pictures) as they are.
* Every answer has a strong ``ETag``; ``If-None-Match`` gives a 304. A name the graph
  does not have gets a 404, as a page for a browser. Only ``GET`` and ``HEAD``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from aiplus_kg.errors import AiplusError, InputError, InternalError
from aiplus_kg.project import Project
from aiplus_kg.views.site import RDF_FORMATS, SITE_MARKER, Site, not_found_page

__all__ = [
    "CONVERTED_KEPT",
    "FILE_TYPES",
    "Browser",
    "PageRenderer",
    "browser_agent",
    "etag_of",
    "negotiate",
    "parse_accept",
    "render_entry",
    "wants_html",
]

CONVERTED_KEPT = 256
"""Descriptions kept in a format made on demand (JSON-LD, N-Triples, TriG)."""

FORMAT_MEDIA: dict[str, str] = {"html": "text/html; charset=utf-8", **RDF_FORMATS}
"""What a resource is offered as: its page, or its description in an RDF format."""

_ACCEPTED: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/trig": "trig",
    "application/n-quads": "nq",
    "text/x-nquads": "nq",
}
_FOR_BROWSERS = ("html", "ttl", "jsonld", "nt", "trig", "nq")
_FOR_PROGRAMS = ("ttl", "nt", "jsonld", "trig", "nq", "html")
"""The order of preference among formats an ``Accept`` header rates the same."""

FILE_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".rq": "application/sparql-query; charset=utf-8",
    **{f".{fmt}": media for fmt, media in RDF_FORMATS.items()},
}
_BROWSER = re.compile(r"Mozilla/|AppleWebKit/|Chrome/|Firefox/|Safari/|Opera|Edg/")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}


def browser_agent(user_agent: str | None) -> bool:
    """Whether a ``User-Agent`` looks like a web browser's."""
    return bool(user_agent and _BROWSER.search(user_agent))


def parse_accept(accept: str) -> list[tuple[str, float, int]]:
    """The media ranges of an ``Accept`` header: (lower-case range, quality, position);
    a malformed quality counts as 0."""
    ranges = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality, position))
    return ranges


def _rating(ranges: Sequence[tuple[str, float, int]], media: str) -> tuple[float, int, int] | None:
    """How ``ranges`` rate ``media``: the quality of the most specific range matching it
    (RFC 9110), its specificity and its position; ``None`` when none matches."""
    kind = media.split("/", 1)[0] + "/*"
    best: tuple[float, int, int] | None = None
    for found, quality, position in ranges:
        specific = 2 if found == media else 1 if found == kind else 0 if found == "*/*" else -1
        if specific < 0:
            continue
        if best is None or specific > best[1]:
            best = (quality, specific, position)
    return best


def negotiate(
    accept: str | None, user_agent: str | None, offered: Sequence[str] = tuple(FORMAT_MEDIA)
) -> str | None:
    """The format (``html``, ``ttl``, ``nt``, ``jsonld``, ``trig``, ``nq``) to answer a
    request with, or ``None`` when the ``Accept`` header refuses every one (406). With no
    header or only ``*/*``: HTML for a browser, Turtle for anything else."""
    preference = _FOR_BROWSERS if browser_agent(user_agent) else _FOR_PROGRAMS
    ranked = [fmt for fmt in preference if fmt in offered]
    ranges = parse_accept(accept or "")
    if not ranges or all(media == "*/*" and q > 0 for media, q, _ in ranges):
        return ranked[0] if ranked else None
    scored = []
    for order, fmt in enumerate(ranked):
        medias = [m for m, f in _ACCEPTED.items() if f == fmt]
        ratings = [r for r in (_rating(ranges, m) for m in medias) if r is not None]
        if not ratings:
            continue
        quality, specific, position = max(ratings, key=lambda r: (r[1], r[0], -r[2]))
        if quality > 0:
            scored.append((-quality, -specific, position, order, fmt))
    return min(scored)[-1] if scored else None


def wants_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for HTML by name at least as much as for JSON
    (a browser does; a program asking for nothing in particular does not)."""
    ranges = parse_accept(accept or "")
    html = max((q for m, q, _ in ranges if m in ("text/html", "application/xhtml+xml")), default=0)
    json = _rating(ranges, "application/json")
    return html > 0 and html >= (json[0] if json is not None else 0)


def etag_of(data: bytes) -> str:
    """A strong entity tag for ``data``."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


class Browser:
    """The site's pages and descriptions, answered from memory (see the module
    docstring)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.files = {path: data for path, data in site.files.items() if path != SITE_MARKER}
        self.etags = {path: etag_of(data) for path, data in self.files.items()}
        self._converted: OrderedDict[tuple[str, str], tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    # --- answers ----------------------------------------------------------------------

    def _send(
        self,
        request: Request,
        data: bytes,
        etag: str,
        media: str,
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", **(headers or {})}
        if status == 200:
            headers["ETag"] = etag
            if _matches(request.headers.get("if-none-match"), etag):
                return Response(status_code=304, headers=headers)
        return Response(data, status, headers, media_type=media)

    def file(self, request: Request, path: str, headers: dict[str, str] | None = None) -> Response:
        """A file of the site, with the media type its suffix says."""
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        media = FILE_TYPES.get(suffix, "application/octet-stream")
        return self._send(request, self.files[path], self.etags[path], media, headers)

    def _convert(self, key: str, fmt: str) -> tuple[bytes, str]:
        with self._lock:
            kept = self._converted.get((key, fmt))
            if kept is not None:
                self._converted.move_to_end((key, fmt))
                return kept
            data = self.site.rdf(key, fmt)
            kept = (data, etag_of(data))
            self._converted[(key, fmt)] = kept
            while len(self._converted) > CONVERTED_KEPT:
                self._converted.popitem(last=False)
            return kept

    async def variant(
        self, request: Request, key: str, fmt: str, headers: dict[str, str] | None = None
    ) -> Response:
        """The resource at ``key`` as ``fmt`` (``html`` or an RDF format)."""
        if fmt == "html":
            return self.file(request, f"{key}.html", headers)
        path = f"{key}.{fmt}"
        if path in self.files:
            return self.file(request, path, headers)
        data, etag = await asyncio.to_thread(self._convert, key, fmt)
        return self._send(request, data, etag, RDF_FORMATS[fmt], headers)

    def not_found(self, request: Request, path: str) -> Response:
        """A 404: a page for a browser, one line of text for anything else."""
        accept, agent = request.headers.get("accept"), request.headers.get("user-agent")
        headers = {**SECURITY_HEADERS, "Vary": "Accept, User-Agent"}
        if negotiate(accept, agent, ("html", "ttl")) == "html":
            key = path.lstrip("/") or "index"
            page = not_found_page(key, path)
            return Response(page, 404, headers, media_type=FILE_TYPES[".html"])
        text = " ".join(f"error: no such resource: {path} (see /)".split()) + "\n"
        return Response(text.encode(), 404, headers, media_type="text/plain; charset=utf-8")

    async def __call__(self, request: Request) -> Response:
        """Answer a ``GET`` or ``HEAD`` of a page, a description or a file."""
        path = request.scope.get("path", "/")
        if request.method not in ("GET", "HEAD"):
            return Response(
                b"error: pages only answer GET and HEAD\n",
                405,
                {"Allow": "GET, HEAD"},
                media_type="text/plain; charset=utf-8",
            )
        name = path.lstrip("/")
        resources = self.site.resources
        if name in resources:
            return await self._negotiated(request, name)
        stem, dot, suffix = name.rpartition(".")
        if dot and stem in resources and suffix in FORMAT_MEDIA:
            return await self.variant(request, stem, suffix)
        if name in self.files:
            return self.file(request, name)
        return self.not_found(request, path)

    async def _negotiated(self, request: Request, key: str) -> Response:
        accept = request.headers.get("accept")
        fmt = negotiate(accept, request.headers.get("user-agent"))
        vary = {"Vary": "Accept, User-Agent"}
        if fmt is None:
            offered = ", ".join(media.split(";")[0] for media in FORMAT_MEDIA.values())
            text = f"error: no acceptable format; offered: {offered}\n"
            headers = {**SECURITY_HEADERS, **vary}
            return Response(text.encode(), 406, headers, media_type="text/plain; charset=utf-8")
        # relative to the request's URL, so that it holds behind a proxy's path prefix
        headers = {**vary, "Content-Location": f"{key.rsplit('/', 1)[-1]}.{fmt}"}
        return await self.variant(request, key, fmt, headers)


# --- rendering the pages in a process of their own ------------------------------------------

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def render_entry() -> None:
    """``python -P -c "...; render_entry()" REPLY_FD ROOT ORIGIN ENGINE``: build the site
    of the project at ``ROOT`` (without its Turtle files, made when asked) and write it,
    pickled, to ``REPLY_FD``: ``("ok", site)`` or ``("error", exit code, message)``."""
    import signal

    from aiplus_kg.knowledge_graph import KnowledgeGraph
    from aiplus_kg.serve.pool import die_with_parent
    from aiplus_kg.views.site import build_site

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops it
    reply_fd, root, origin, engine = sys.argv[1:5]
    reply: tuple[object, ...]
    try:
        kg = KnowledgeGraph(Project(Path(root), origin), engine=engine)
        reply = ("ok", build_site(kg, turtle=False))
    except AiplusError as exc:
        reply = ("error", exc.exit_code, str(exc))
    except Exception as exc:
        reply = ("error", 3, f"{type(exc).__name__}: {exc}")
    with os.fdopen(int(reply_fd), "wb") as out:
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)


class PageRenderer:
    """The pages of ``project``, rendered by a child process (see :func:`render_entry`)
    while the server goes on starting; :meth:`result` waits for them, :meth:`stop` ends
    the child early."""

    def __init__(self, project: Project, engine: str) -> None:
        read_fd, write_fd = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p
        )
        command = [
            sys.executable,
            "-P",
            "-c",
            "from aiplus_kg.serve.browse import render_entry; render_entry()",
            str(write_fd),
            str(project.root),
            project.origin,
            engine,
        ]
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _collect())
        try:
            self.process = subprocess.Popen(
                command,
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                env=env,
            )
        except OSError:
            os.close(read_fd)
            self.stderr.close()
            raise
        finally:
            os.close(write_fd)
        self._future: Future[Site] = Future()
        threading.Thread(
            target=self._collect, args=(read_fd,), name="aiplus-pages", daemon=True
        ).start()

    def _collect(self, read_fd: int) -> None:
        try:
            with os.fdopen(read_fd, "rb") as reply:
                data = reply.read()
            self.process.wait()
            self._future.set_result(self._site(data))
        except BaseException as exc:
            self._future.set_exception(exc)
        finally:
            self.stderr.close()

    def _site(self, data: bytes) -> Site:
        if not data:
            self.stderr.seek(0)
            lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
            detail = lines[-1] if lines else f"exit status {self.process.returncode}"
            raise InternalError(f"the pages could not be rendered: {detail}")
        reply = pickle.loads(data)  # written by our own child process
        if reply[0] == "ok" and isinstance(reply[1], Site):
            return reply[1]
        error = InputError if reply[1] == InputError.exit_code else InternalError
        raise error(f"the pages could not be rendered: {reply[2]}")

    def result(self, timeout: float | None = None) -> Site:
        """The site, once rendered; the child's error, raised here."""
        return self._future.result(timeout)

    def stop(self) -> None:
        """End the child (the server did not start)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
