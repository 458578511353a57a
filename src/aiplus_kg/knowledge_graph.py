"""The knowledge graph of a project, and everything derived from it.

:class:`KnowledgeGraph` is the one object that owns the project's data: the files read
(:attr:`~KnowledgeGraph.loaded`), the rdflib dataset (:attr:`~KnowledgeGraph.dataset`),
the OWL RL closure (:attr:`~KnowledgeGraph.closure`), the pyoxigraph store
(:attr:`~KnowledgeGraph.store`) and the cache. Each is made the first time it is asked
for, by the engine the graph was opened with, and kept; nothing is global, so two
graphs (two projects, or two engines) live side by side::

    from aiplus_kg import KnowledgeGraph

    kg = KnowledgeGraph.open("path/to/project")          # engine="fast" by default
    print(kg.validate().conforms())
    run = kg.query("chip-to-goal", {"chip": "Ascend 910B"})

Engines (see ``docs/architecture.md``):

* ``fast``: reasonable (OWL 2 RL closure), pyshacl-turbo (SHACL), pyoxigraph (SPARQL
  and storage);
* ``reference``: owlrl, pySHACL and rdflib, as a user would run them without this
  project: slow, and the definition of the right answer.

Both give the same answers.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from aiplus_kg.defaults import ENGINES, Engine
from aiplus_kg.errors import InputError
from aiplus_kg.load.bulk import gc_paused
from aiplus_kg.project import Project, find_project

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef
    from rdflib.term import Node

    from aiplus_kg.load.cache import Cache
    from aiplus_kg.load.dataset import LoadedDataset
    from aiplus_kg.load.store import Store
    from aiplus_kg.load.terms import TripleSource
    from aiplus_kg.query.catalogue import SavedQuery
    from aiplus_kg.query.results import Results
    from aiplus_kg.query.run import QueryRun, Source
    from aiplus_kg.reason.closure import Closure
    from aiplus_kg.validate.report import Report

__all__ = ["FAST_PACKAGES", "CheckResult", "KnowledgeGraph", "fast_unavailable"]

FAST_PACKAGES = ("reasonable", "pyshacl_turbo", "pyoxigraph")
"""The packages the fast engine runs on; all are ordinary dependencies."""


def fast_unavailable() -> str | None:
    """Why the fast engine cannot run here (the first of its packages that is not
    installed), or ``None`` when it can."""
    for name in FAST_PACKAGES:
        if importlib.util.find_spec(name) is None:
            return f"{name} is not installed"
    return None


def _stderr_notice(message: str) -> None:
    print(f"aiplus: notice: {message}", file=sys.stderr)


@dataclass(frozen=True)
class CheckResult:
    """What ``aiplus check`` reports: the inconsistencies, the triples, the graphs."""

    problems: tuple[str, ...]
    triples: int
    graphs: int


class _DefaultCache:
    """The cache a graph gets when none is given: the project's (see ``cache``)."""


_DEFAULT_CACHE = _DefaultCache()


class KnowledgeGraph:
    """A project's knowledge graph, with the engine that reasons, validates and
    queries it. Build it with :meth:`open`, or from a :class:`~aiplus_kg.project.Project`;
    ``cache`` is where derived results are kept (default: the project's cache folder,
    see :mod:`aiplus_kg.load.cache`; ``None``: no cache)."""

    def __init__(
        self,
        project: Project,
        *,
        engine: Engine | str = "fast",
        cache: Cache | _DefaultCache | None = _DEFAULT_CACHE,
        notice: Callable[[str], None] = _stderr_notice,
    ) -> None:
        if engine not in ENGINES:
            raise InputError(f"unknown engine {engine!r} (engines: {', '.join(ENGINES)})")
        self.project = project
        self.requested_engine: Engine = "fast" if engine == "fast" else "reference"
        self._notice = notice
        self._cache = cache
        self._extra: tuple[Path, ...] = ()

    @classmethod
    def open(
        cls,
        root: Path | str | None = None,
        *,
        engine: Engine | str = "fast",
        env: Mapping[str, str] | None = None,
    ) -> KnowledgeGraph:
        """The knowledge graph of the project at ``root`` (found as the command line
        finds it when ``None``: see :func:`aiplus_kg.project.find_project`)."""
        return cls(find_project(root, env=env), engine=engine)

    # --- the engine and the cache --------------------------------------------------------

    @cached_property
    def engine(self) -> Engine:
        """The engine that runs: the one asked for, except that ``fast`` falls back to
        ``reference``, with a one-line notice, when one of its packages is missing."""
        if self.requested_engine == "reference":
            return "reference"
        reason = fast_unavailable()
        if reason is None:
            return "fast"
        self._notice(f"fast engine unavailable: {reason}; using the reference engine")
        return "reference"

    @cached_property
    def cache(self) -> Cache | None:
        """Where derived results are kept, or ``None`` (always with the reference
        engine, which stands for what a user gets without this project)."""
        if self.engine == "reference":
            return None
        if not isinstance(self._cache, _DefaultCache):
            return self._cache
        from aiplus_kg.load.cache import cache_for

        return cache_for(self.project.root, self.project.origin)

    # --- the data ------------------------------------------------------------------------

    @cached_property
    def loaded(self) -> LoadedDataset:
        """The project's files, read (and the contributor files added)."""
        from aiplus_kg.load.dataset import load_extra, load_project

        with gc_paused():
            loaded = load_project(self.project)
            load_extra(loaded, self._extra)
        return loaded

    def add_files(self, paths: Iterable[Path | str]) -> list[URIRef]:
        """Add contributor files, each replacing (or adding) the article graph named
        after its stem; returns their graph IRIs. Everything derived is made again."""
        from aiplus_kg.namespaces import article_graph_iri

        added = tuple(Path(p) for p in paths)
        self._extra = (*self._extra, *added)
        for name in ("loaded", "closure", "store"):
            self.__dict__.pop(name, None)
        return [article_graph_iri(p.stem) for p in added]

    @property
    def dataset(self) -> Dataset:
        """The named graphs as an rdflib dataset whose default graph is their union."""
        return self.loaded.dataset

    @cached_property
    def closure(self) -> Closure:
        """The OWL RL closure of the union of the graphs."""
        from itertools import chain

        from aiplus_kg.reason.closure import compute_closure

        graphs = self.loaded.graph_triples()
        with gc_paused():
            return compute_closure(chain.from_iterable(t for _, t in graphs), self.engine)

    @cached_property
    def store(self) -> Store:
        """The named graphs in a pyoxigraph store, their union as its default graph; read
        back from the cache while the files are unchanged (a saved query then parses
        nothing but the store's own N-Quads, in Rust)."""
        import hashlib

        from aiplus_kg.load.store import Store

        cache = None if self._extra else self.cache
        key = self._key("dataset") if cache is not None else ""
        if cache is not None:
            record = cache.read_json("dataset", key)
            data = cache.read_bytes("dataset", key, "nq")
            if record and data and record.get("sha256") == hashlib.sha256(data).hexdigest():
                try:
                    return Store.from_dump(data)
                except (SyntaxError, ValueError, OSError, MemoryError):
                    # a damaged entry is a miss, and so is one holding a literal longer
                    # than Oxigraph's parser reads (16 MiB: MemoryError)
                    pass
        loaded = self.loaded
        with gc_paused():
            store = Store(loaded.graph_triples())
        if cache is not None and store.faithful:
            data = store.dump()
            if cache.write_bytes("dataset", key, "nq", data):
                cache.write_json("dataset", key, {"sha256": hashlib.sha256(data).hexdigest()})
        return store

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes of ``shapes/``."""
        from aiplus_kg.validate.shapes import load_shapes

        return load_shapes(self.project.shape_files(), self.project.display)

    def query_source(self, dataset_clause: bool = False) -> Source:
        """What a query runs on: the store (fast engine), else the rdflib dataset, which
        also answers a query the store would answer otherwise (see
        :func:`aiplus_kg.query.run.runs_on_store`)."""
        if self.engine == "fast" and not dataset_clause and self.store.faithful:
            return self.store
        return self.dataset

    @property
    def labels(self) -> TripleSource:
        """Where labels and entity names are looked up."""
        return self.query_source()

    # --- checks ---------------------------------------------------------------------------

    def _key(self, salt: str, files: Iterable[Path] = ()) -> str:
        from aiplus_kg.load.cache import digest

        project = self.project
        inputs = [project.ontology_file, *project.reference_files(), *project.article_files()]
        extra = list(self._extra)
        # contributor files are named after their stem, and shown relative to the cwd
        where = " ".join([p.stem for p in extra] + ([str(Path.cwd())] if extra else []))
        return digest([*inputs, *files, *extra], root=project.root, salt=f"{salt} {where}")

    def validate(self, *, inference: bool = True) -> Report:
        """Validate the graph against the shapes (see :mod:`aiplus_kg.validate.run`),
        on its OWL RL closure unless ``inference`` is false. The report is cached, keyed
        on the content of every file it depends on."""
        from aiplus_kg.validate.report import report_from_record, report_record
        from aiplus_kg.validate.run import validate

        cache = self.cache
        key = ""
        if cache is not None:
            key = self._key(f"validation {inference} {self.engine}", self.project.shape_files())
            cached = report_from_record(cache.read_json("validation", key))
            if cached is not None:
                return cached
        closure = self.closure if inference else None
        with gc_paused():
            report = validate(self.loaded, self.shapes, closure, engine=self.engine)
        if cache is not None:
            cache.write_json("validation", key, report_record(report))
        return report

    def check(self) -> CheckResult:
        """The inconsistencies of the OWL RL closure, by label (cached like
        :meth:`validate`)."""
        from aiplus_kg.reason.closure import inconsistencies

        cache = self.cache
        key = ""
        if cache is not None:
            key = self._key(f"check {self.engine}")
            record = cache.read_json("check", key)
            if record is not None:
                try:
                    problems = record["problems"]
                    if isinstance(problems, list):
                        return CheckResult(
                            tuple(str(p) for p in problems),
                            int(str(record["triples"])),
                            int(str(record["graphs"])),
                        )
                except (KeyError, ValueError):
                    pass
        closure = self.closure
        result = CheckResult(
            tuple(inconsistencies(closure)), len(self.loaded.union()), len(self.loaded.files)
        )
        if cache is not None:
            record = {"problems": list(result.problems), "triples": result.triples}
            cache.write_json("check", key, record | {"graphs": result.graphs})
        return result

    # --- queries ---------------------------------------------------------------------------

    def saved_queries(self) -> list[SavedQuery]:
        """Every saved query (``queries/*.rq``), sorted by name."""
        from aiplus_kg.query.catalogue import load_catalogue

        return load_catalogue(self.project)

    def saved_query(self, name: str) -> SavedQuery:
        """The saved query ``name``; an unknown name lists the closest ones."""
        from aiplus_kg.query.catalogue import load_named

        return load_named(self.project, name, self.cache)

    def query(self, query: SavedQuery | str, given: Mapping[str, str] | None = None) -> QueryRun:
        """Run a saved query (or the one called ``query``) with its parameters (``given``
        by name, else the defaults)."""
        from aiplus_kg.query.run import run_query

        saved = self.saved_query(query) if isinstance(query, str) else query
        source = self.query_source(bool(saved.prepared.dataset_clause))
        with gc_paused():
            return run_query(source, saved, given)

    def bind(self, query: SavedQuery, given: Mapping[str, str] | None = None) -> dict[str, Node]:
        """The RDF terms the parameters of ``query`` name (``given``, else defaults)."""
        from aiplus_kg.query.parameters import bind_parameters

        return bind_parameters(self.query_source(), query, given)

    def sparql(self, text: str, *, display: str = "<query>") -> Results:
        """Run an ad-hoc read-only ``SELECT`` or ``ASK`` query; the project prefixes are
        declared for it."""
        from aiplus_kg.query.run import prepare_text, run_text

        prepared = prepare_text(self.query_source(), text, display=display)
        source = self.query_source(bool(prepared.dataset_clause))
        return run_text(source, text, display=display, prepared=prepared)
