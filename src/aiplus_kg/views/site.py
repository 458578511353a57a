"""The browsable site of the graph: every page, picture and description, in memory
(:func:`build_site`), then written to a folder (:func:`write_site`, ``aiplus site``) or
served (``aiplus serve``, :mod:`aiplus_kg.serve.browse`).

A :class:`Site` holds, by path relative to its root:

* ``index.html``, ``entities.html``, ``ontology.html``, ``404.html``;
* ``KEY.html`` and ``KEY.ttl`` for each resource (see :mod:`aiplus_kg.views.pages`):
  ``id/NAME``, ``source/STEM``, ``ontology/TERM``, ``query/NAME`` (and its ``.rq``);
  ``id/NAME.svg``, the picture of an entity's neighbourhood, when Graphviz is installed
  and the neighbourhood is small;
* ``search.json`` and ``search-index.js``, the labels the search box looks in;
  ``assets/site.css`` and ``assets/search.js``.

The *description* of a resource, what its Turtle holds and what ``aiplus serve``
answers in every RDF format, is every statement naming it as subject or object, each
in its named graph, with the statements of the claims that qualify a statement about it
(so that its hedged statements keep their hedges) and of the blank nodes they reach.
An article's description holds its whole graph too, and the ontology's is the ontology
graph. A saved query is described by its name, summary, description and text
(``sh:SPARQLSelectExecutable``, ``sh:select``).

The bytes depend only on the data (and, for the pictures, on Graphviz's version).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.atomic import DEBRIS_PATTERN, process_alive, terminate_raises_exit
from aiplus_kg.errors import InputError
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.namespaces import DCTERMS, ONTOLOGY_GRAPH, RDF, RDFS, SH
from aiplus_kg.views.hedges import CLAIM_OBJECT, CLAIM_SUBJECT, HedgeIndex
from aiplus_kg.views.pages import (
    MAX_PICTURE_NODES,
    Pages,
    Resource,
    SavedRun,
    asset,
    page_path,
    render,
    run_saved_queries,
)

if TYPE_CHECKING:
    from aiplus_kg.knowledge_graph import KnowledgeGraph

__all__ = [
    "RDF_FORMATS",
    "SITE_MARKER",
    "Site",
    "SiteResult",
    "build_site",
    "describe_resource",
    "not_found_page",
    "write_site",
]

RDF_FORMATS: dict[str, str] = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "nq": "application/n-quads",
}
"""The RDF formats a description is given in (those of ``aiplus export``), and their
media types."""

SITE_MARKER = ".aiplus-site"
"""A file at the root of every written site: ``aiplus site`` replaces a folder only
when it holds one (or is empty), never a folder of something else."""

ASSETS = ("site.css", "search.js")


@dataclass
class Site:
    """The site in memory: ``files`` by path, the ``resources`` by key, and the
    ``descriptions`` of the resources by key, as canonical N-Quads."""

    files: dict[str, bytes]
    resources: dict[str, Resource]
    descriptions: dict[str, bytes]
    pictures: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())

    def rdf(self, key: str, fmt: str) -> bytes:
        """The description of the resource at ``key`` in ``fmt`` (see
        :data:`RDF_FORMATS`): Turtle as the site holds it, the others made from the
        N-Quads."""
        if fmt == "ttl" and f"{key}.ttl" in self.files:
            return self.files[f"{key}.ttl"]
        if fmt == "nq":
            return self.descriptions[key]
        from aiplus_kg.export.serialise import serialize

        dataset = Dataset(default_union=True)
        dataset.parse(data=self.descriptions[key], format="nquads")
        return serialize(dataset, fmt)


@dataclass(frozen=True)
class SiteResult:
    """What :func:`write_site` wrote."""

    folder: Path
    pages: int
    files: int
    size: int


# --- descriptions ------------------------------------------------------------------------------


def _graph_iri(graph: object) -> URIRef:
    return URIRef(str(getattr(graph, "identifier", graph)))


def describe_resource(dataset: Dataset, iri: URIRef, index: HedgeIndex) -> Dataset:
    """The description of ``iri`` (see the module docstring) as a dataset: each
    statement in its named graph."""
    out = Dataset(default_union=True)
    seen: set[tuple[Node, Node, Node, URIRef]] = set()
    todo: list[Node] = []

    def add(s: Node, p: Node, o: Node, g: object) -> None:
        quad = (s, p, o, _graph_iri(g))
        if quad not in seen:
            seen.add(quad)
            if isinstance(o, BNode):
                todo.append(o)

    for s, p, o, g in dataset.quads((iri, None, None, None)):
        add(s, p, o, g)
    for s, p, o, g in dataset.quads((None, None, iri, None)):
        add(s, p, o, g)
        if isinstance(s, BNode):
            todo.append(s)
        if p in (*CLAIM_SUBJECT, *CLAIM_OBJECT) and s in index.claims:
            todo.append(s)
    done: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for s, p, o, g in dataset.quads((node, None, None, None)):
            add(s, p, o, g)
    for s, p, o, g in seen:
        if g == DEFAULT_GRAPH_ID:
            out.add((s, p, o))
        else:
            out.graph(g).add((s, p, o))
    return out


def _whole_graph(dataset: Dataset, iri: URIRef, into: Dataset) -> None:
    target = into.graph(iri)
    for triple in dataset.graph(iri):
        target.add(triple)


def _query_description(resource: Resource, saved: SavedRun) -> Dataset:
    query = saved.query
    out = Dataset(default_union=True)
    iri = resource.iri
    form = query.prepared.form if query.prepared is not None else "SELECT"
    kind, text = (
        (SH.SPARQLAskExecutable, SH.ask)
        if form == "ASK"
        else (
            SH.SPARQLSelectExecutable,
            SH.select,
        )
    )
    out.add((iri, RDF.type, kind))
    out.add((iri, RDFS.label, Literal(query.name)))
    if query.summary:
        out.add((iri, DCTERMS.title, Literal(query.summary, lang="en")))
    if query.description:
        out.add((iri, DCTERMS.description, Literal(query.description, lang="en")))
    out.add((iri, text, Literal(query.text)))
    return out


# --- pictures ----------------------------------------------------------------------------------

_GENERATOR_COMMENT = re.compile(rb"<!-- Generated by graphviz version .*?-->\n", re.DOTALL)
_SVG_START = b"<?xml "


def _picture_sources(
    dataset: Dataset, entities: Sequence[Resource]
) -> tuple[dict[str, tuple[str | None, str]], list[tuple[str, str]]] | None:
    """The pictures of the entities' neighbourhoods to draw: (key -> (SVG file name or
    ``None``, why not), [(key, DOT)]); ``None`` when Graphviz's ``dot`` is missing. An
    entity linked to nothing gets no picture, one with more than
    :data:`~aiplus_kg.views.pages.MAX_PICTURE_NODES` neighbours a note instead."""
    from aiplus_kg.views import draw
    from aiplus_kg.views.paths import build_link_graph

    if draw.graphviz_version() is None:
        return None
    links = build_link_graph(dataset)
    notes: dict[str, tuple[str | None, str]] = {}
    drawn: list[tuple[str, str]] = []
    for resource in entities:
        around = links.neighbours.get(resource.iri)
        if not around:
            continue
        if len(around) + 1 > MAX_PICTURE_NODES:
            why = f"{len(around)} entities are one link away: too many to draw."
            notes[resource.key] = (None, why)
            continue
        picture = draw.entity_picture(
            dataset, resource.iri, depth=1, max_nodes=MAX_PICTURE_NODES, links=links
        )
        if any(node.iri.startswith("_:") for node in picture.nodes):
            continue  # a blank node would be drawn with its label of the moment
        drawn.append((resource.key, draw.to_dot(picture)))
        notes[resource.key] = (resource.key.rsplit("/", 1)[-1] + ".svg", "")
    return notes, drawn


def _lay_out(drawn: Sequence[tuple[str, str]]) -> dict[str, bytes]:
    """The SVG of each picture (path -> SVG), all laid out by one run of ``dot``."""
    import graphviz

    from aiplus_kg.views import draw

    if not drawn:
        return {}
    version = draw.graphviz_version() or "unknown"
    data = graphviz.pipe("dot", "svg", "\n".join(d for _, d in drawn).encode(), quiet=True)
    svgs = [_SVG_START + part for part in data.split(_SVG_START)[1:]]
    if len(svgs) != len(drawn):  # not one SVG per graph: draw them one at a time
        svgs = [draw.render(dot, "svg") for _, dot in drawn]
    comment = f"<!-- Drawn by aiplus with Graphviz {version} -->\n".encode()
    return {
        f"{key}.svg": _GENERATOR_COMMENT.sub(comment, svg, count=1)
        for (key, _), svg in zip(drawn, svgs, strict=True)
    }


# --- the site ----------------------------------------------------------------------------------


def not_found_page(key: str, path: str) -> bytes:
    """The page for a ``path`` that names nothing, as if it were at ``key`` (which sets
    the relative links)."""
    from aiplus_kg.views.pages import root_of

    html = render("notfound.html", root=root_of(key), title="Not found", key=key, path=path)
    return html.encode("utf-8")


def build_site(
    kg: KnowledgeGraph,
    *,
    pictures: bool = True,
    turtle: bool = True,
    runs: Sequence[SavedRun] | None = None,
) -> Site:
    """Every page, picture, description and asset of the site of ``kg``'s graph. The
    saved queries run with their default parameters (``runs``: already run);
    ``pictures=False`` draws none; ``turtle=False`` leaves out the Turtle files
    (:meth:`Site.rdf` makes them when asked)."""
    from aiplus_kg.export.serialise import serialize

    started = time.perf_counter()
    dataset = kg.dataset
    if runs is None:
        queries = [kg.saved_query(path.stem) for path in kg.project.query_files()]
        runs = run_saved_queries(kg, sorted(queries, key=lambda q: q.name))
    from aiplus_kg.views.pages import collect_resources

    resources = collect_resources(dataset, [r.query for r in runs])
    entities = [r for r in resources.values() if r.kind == "entity"]
    sources = _picture_sources(dataset, entities) if pictures else None
    notes, drawn = sources if sources is not None else ({}, [])
    svgs: dict[str, bytes] = {}
    failure: list[BaseException] = []

    def lay_out() -> None:  # dot runs in its own process while the pages are written
        try:
            svgs.update(_lay_out(drawn))
        except BaseException as exc:
            failure.append(exc)

    drawing = threading.Thread(target=lay_out, name="aiplus-dot", daemon=True)
    drawing.start()
    pages = Pages(dataset, runs, notes)
    files: dict[str, bytes] = {}
    descriptions: dict[str, bytes] = {}
    by_name = {r.query.name: r for r in runs}
    for key, resource in pages.resources.items():
        if resource.kind == "query":
            saved = by_name[key.split("/", 1)[1]]
            described = _query_description(resource, saved)
            files[f"{key}.rq"] = saved.query.text.encode("utf-8")
        else:
            described = describe_resource(dataset, resource.iri, pages.index)
            if resource.kind in ("source", "ontology"):
                graph = ONTOLOGY_GRAPH if resource.kind == "ontology" else resource.iri
                _whole_graph(dataset, graph, described)
        descriptions[key] = serialize(described, "nq")
        if turtle:
            files[f"{key}.ttl"] = serialize(described, "ttl")
    drawing.join()
    problems = [f"{r.query.name}: {r.error}" for r in runs if r.error]
    if failure:  # no pictures after all: the pages must not point to them
        problems.append(f"pictures: {failure[0]}")
        pages.pictures = {}
    files.update(svgs)
    for key, resource in pages.resources.items():
        files[page_path(key)] = pages.page(resource).encode("utf-8")
    files["index.html"] = pages.home().encode("utf-8")
    files["entities.html"] = pages.entities().encode("utf-8")
    files["404.html"] = not_found_page("404", "")
    files.update(pages.search_files())
    for name in ASSETS:
        files[f"assets/{name}"] = asset(name)
    files[SITE_MARKER] = b"A site written by aiplus site; aiplus site may replace this folder.\n"
    return Site(
        dict(sorted(files.items())),
        resources,
        descriptions,
        pictures=len(svgs),
        seconds=time.perf_counter() - started,
        problems=problems,
    )


# --- writing it --------------------------------------------------------------------------------


def _remove_stale(parent: Path) -> None:
    """Remove the temporary folders that killed runs left next to the site."""
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            found = DEBRIS_PATTERN.fullmatch(entry.name)
            if (
                found
                and entry.is_dir()
                and not entry.is_symlink()
                and not process_alive(int(found[1]))
            ):
                shutil.rmtree(entry, ignore_errors=True)


def _check_target(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise InputError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / SITE_MARKER).is_file():
        raise InputError(
            f"{folder}: a folder that aiplus site did not write; "
            "choose a new or empty folder, or remove it"
        )


def _write_files(root: Path, files: Mapping[str, bytes]) -> None:
    folders = {(root / path).parent for path in files}
    for folder in sorted(folders):
        folder.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        (root / path).write_bytes(data)


def write_site(site: Site, folder: Path) -> SiteResult:
    """Write ``site`` into ``folder`` atomically: into a temporary folder next to it,
    then renamed into place (a folder ``aiplus site`` wrote before is replaced). A
    folder holding anything else is refused (:class:`InputError`)."""
    folder = Path(folder)
    parent = folder.parent if str(folder.parent) else Path()
    if not parent.is_dir():
        raise InputError(f"{parent}: no such folder")
    _check_target(folder)
    _remove_stale(parent)
    prefix = f".{folder.name}.aiplus-{os.getpid()}-"
    with terminate_raises_exit():
        try:
            temporary = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=parent))
        except OSError as exc:
            raise InputError(f"{folder}: cannot write: {exc.strerror or exc}") from None
        old: Path | None = None
        try:
            _write_files(temporary, site.files)
            temporary.chmod(0o777 & ~_umask())
            if folder.exists():
                old = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=parent))
                folder.replace(old / "site")
            temporary.replace(folder)
        except OSError as exc:
            shutil.rmtree(temporary, ignore_errors=True)
            if old is not None and (old / "site").exists() and not folder.exists():
                (old / "site").replace(folder)
            raise InputError(f"{folder}: cannot write: {exc.strerror or exc}") from None
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            if old is not None and (old / "site").exists() and not folder.exists():
                (old / "site").replace(folder)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    pages = sum(1 for path in site.files if path.endswith(".html"))
    return SiteResult(folder, pages, len(site.files), site.size)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def page_sizes(site: Site) -> Iterable[tuple[str, int]]:
    """Each page's path and size, largest first."""
    pages = [(p, len(d)) for p, d in site.files.items() if p.endswith(".html")]
    return sorted(pages, key=lambda item: (-item[1], item[0]))
