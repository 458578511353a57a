"""Assemble the project's dataset: the one place that reads the Turtle files.

Files go to named graphs as follows:

* ``ontology/aiplus.ttl``        -> ``https://w3id.org/aiplus/ontology``
* ``graph/reference/*.ttl``      -> ``https://w3id.org/aiplus/graph/reference``
* ``graph/articles/<stem>.ttl``  -> ``https://w3id.org/aiplus/source/<stem>``

:class:`LoadedDataset` keeps each named graph's triples as read; its ``dataset``, an
:class:`rdflib.Dataset` with ``default_union=True`` (queries and pattern look-ups see
the union of all named graphs), is built the first time it is asked for. The fast
engine reads the triples directly and never builds it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from aiplus_kg.bulk import bulk_step
from aiplus_kg.errors import InputError, located
from aiplus_kg.namespaces import (
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    SRC,
    article_graph_iri,
    bind_prefixes,
)
from aiplus_kg.project import Project, display_path, find_project

__all__ = [
    "LoadedDataset",
    "load",
    "load_extra",
    "load_project",
    "new_dataset",
    "parse_turtle",
    "parse_turtle_data",
    "read_text",
    "read_turtle",
]


Triple = tuple[Node, Node, Node]
OrderedTriples = dict[Triple, None]
"""Triples as a set that iterates in the order they were added: the order they were
made in, mostly, and so the order they lie in memory. Passing over a million triples
in that order takes a fraction of the time it takes in a set's hash order, which
reaches all over the heap."""


class LoadedDataset:
    """The named graphs read from the project's files, and the file(s) each came from.

    Each graph's triples are kept, in the order read, until :attr:`dataset` is first
    used; from then on that rdflib dataset is their only copy, and changes made to it
    are what every other accessor (:meth:`union`, :meth:`graph_triples`) sees.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        files: dict[URIRef, tuple[Path, ...]] | None = None,
        project: Project | None = None,
    ) -> None:
        self._dataset = dataset
        self.files: dict[URIRef, tuple[Path, ...]] = {} if files is None else files
        self.project = project
        self._graphs: dict[URIRef, OrderedTriples] = {}
        self._prefixes: list[tuple[str, str]] = []

    @property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib union-default dataset (built on first use)."""
        if self._dataset is None:
            dataset = new_dataset()
            for prefix, namespace in self._prefixes:
                dataset.bind(prefix, namespace, override=False)
            for iri, triples in self._graphs.items():
                graph = dataset.graph(iri)
                graph.addN((s, p, o, graph) for s, p, o in triples)
            self._dataset, self._graphs, self._prefixes = dataset, {}, []
        return self._dataset

    @property
    def article_graphs(self) -> list[URIRef]:
        """The IRIs of the article graphs, sorted."""
        return sorted(iri for iri in self.files if iri.startswith(str(SRC)))

    def graph(self, iri: URIRef) -> Graph:
        """The named graph ``iri`` (empty if absent)."""
        return self.dataset.graph(iri)

    def graph_triples(self) -> Iterator[tuple[URIRef, Iterable[Triple]]]:
        """Each named graph's IRI and triples, without building :attr:`dataset`."""
        if self._dataset is None:
            yield from self._graphs.items()
            return
        for graph in self._dataset.graphs():
            if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
                yield graph.identifier, graph  # type: ignore[misc]

    def union(self) -> OrderedTriples:
        """The triples of all graphs together (a new set, in the order read)."""
        if self._dataset is not None:
            return dict.fromkeys(self._dataset.triples((None, None, None)))
        out: OrderedTriples = {}
        for triples in self._graphs.values():
            out.update(triples)
        return out

    def display(self, path: Path) -> str:
        """``path`` as shown in messages."""
        return display_path(path, self.project.root if self.project else None)

    def _add(
        self, iri: URIRef, triples: Iterable[Triple], prefixes: Iterable[tuple[str, str]]
    ) -> None:
        if self._dataset is not None:
            graph = self._dataset.graph(iri)
            graph.addN((s, p, o, graph) for s, p, o in triples)
            for prefix, namespace in prefixes:
                self._dataset.bind(prefix, namespace, override=False)
            return
        self._graphs.setdefault(iri, {}).update(zip(triples, repeat(None)))
        self._prefixes.extend(prefixes)

    def _drop(self, iri: URIRef) -> None:
        if self._dataset is not None:
            self._dataset.remove_graph(iri)
        else:
            self._graphs.pop(iri, None)


def new_dataset() -> Dataset:
    """An empty union-default dataset with the project prefixes bound."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    return dataset


@contextmanager
def _quiet_rdflib_terms() -> Iterator[None]:
    """Silence rdflib's log records about ill-typed literals; they are reported as errors."""
    logger = logging.getLogger("rdflib.term")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def read_text(path: Path, *, display: str | None = None) -> str:
    """The UTF-8 text of ``path``; an unreadable or non-UTF-8 file is an :class:`InputError`."""
    shown = display or display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(located(shown, "no such file")) from None
    except OSError as exc:
        raise InputError(located(shown, f"cannot read: {exc.strerror or exc}")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(located(shown, "not valid UTF-8", line)) from None


def parse_turtle_data(text: str, *, display: str = "<data>", base: str | None = None) -> Graph:
    """Parse the Turtle document ``text`` into a new graph.

    Every problem becomes an :class:`InputError` whose message starts with
    ``display:line:`` (or ``display:`` when no line is known): a syntax error, an
    ill-typed literal.
    """
    fast = _oxigraph_triples(text, base)
    if fast is None:
        return _checked(_rdflib_graph(text, display, base), text, display)
    _checked(fast[0], text, display)
    return _graph_of(*fast)


def _graph_of(triples: Iterable[Triple], prefixes: Iterable[tuple[str, str]]) -> Graph:
    """A new graph holding ``triples``, with ``prefixes`` bound."""
    graph = Graph(bind_namespaces="none")
    graph.addN((s, p, o, graph) for s, p, o in triples)
    for prefix, namespace in prefixes:
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _rdflib_graph(text: str, display: str, base: str | None) -> Graph:
    """``text`` read by rdflib's own parser; a problem is an :class:`InputError`."""
    graph = Graph(bind_namespaces="none")
    try:
        with _quiet_rdflib_terms():
            graph.parse(data=text, format="turtle", publicID=base)
    except BadSyntax as exc:
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        raise InputError(located(display, f"syntax error: {why}", exc.lines + 1)) from None
    except Exception as exc:  # rdflib raises assorted types for malformed input
        raise InputError(located(display, f"cannot parse: {exc}")) from None
    return graph


def _checked(triples: Iterable[Triple], text: str, display: str) -> Iterable[Triple]:
    """``triples``, unless one holds an ill-typed literal (an :class:`InputError`)."""
    for _, _, term in triples:
        if isinstance(term, Literal) and term.ill_typed:
            datatype = term.datatype or ""
            line = _line_of(text, f'"{term}"')
            raise InputError(located(display, f'ill-typed literal "{term}"^^<{datatype}>', line))
    return triples


# Spellings pyoxigraph's parser would not hand back exactly as rdflib reads them: a
# literal typed xsd:string explicitly (rdflib keeps it apart from a plain literal; the
# datatype written as a full IRI or under any prefix) and a language tag with capitals
# (pyoxigraph writes tags in lower case). The IRI xsd:string elsewhere, as in
# ``rdfs:range xsd:string``, is no reason to leave pyoxigraph.
_NOT_FOR_OXIGRAPH = re.compile(
    r"\^\^\s*(?:<[^>]*string>|[A-Za-z0-9_.-]*:string\b)|[\"']@[A-Za-z0-9-]*[A-Z]"
)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _oxigraph_triples(
    text: str, base: str | None, memo: dict[object, Node] | None = None
) -> tuple[list[Triple], list[tuple[str, str]]] | None:
    """The triples and prefixes rdflib would read from ``text``, parsed by pyoxigraph
    (Rust, many times faster); ``None`` when pyoxigraph is not installed, when the text
    uses a spelling it would not hand back unchanged, or when it finds a problem (a
    relative IRI without ``base``, say), so that rdflib reads the file and words any
    error as it always has.

    Literals are built by rdflib from their lexical form and datatype, as its own
    parser builds them; each blank node label gets a fresh blank node, as in rdflib.
    IRIs and literals are looked up in ``memo`` (shared by the files of one load, so
    that equal terms are one object) and added to it.
    """
    if _NOT_FOR_OXIGRAPH.search(text):
        return None
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    nodes: dict[object, Node] = {} if memo is None else memo
    blanks: dict[str, BNode] = {}
    blank_node = ox.BlankNode
    named_node = ox.NamedNode

    def term(node: object) -> Node:
        found = nodes.get(node)
        if found is not None:
            return found
        if isinstance(node, blank_node):
            return blanks.setdefault(node.value, BNode())
        if isinstance(node, named_node):
            made: Node = URIRef(node.value)
        elif node.language:  # type: ignore[attr-defined]
            made = Literal(node.value, lang=node.language)  # type: ignore[attr-defined]
        elif node.datatype.value == _XSD_STRING:  # type: ignore[attr-defined]
            made = Literal(node.value)  # type: ignore[attr-defined]
        else:
            made = Literal(node.value, datatype=URIRef(node.datatype.value))  # type: ignore[attr-defined]
        nodes[node] = made
        return made

    try:
        parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
        with _quiet_rdflib_terms():
            triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
        prefixes = list(parser.prefixes.items())
    except (SyntaxError, ValueError, OSError):
        return None
    return triples, prefixes


def _parse_with_oxigraph(text: str, base: str | None) -> Graph | None:
    """What :func:`_oxigraph_triples` reads, as a graph with its prefixes (``None``
    where it leaves the text to rdflib)."""
    fast = _oxigraph_triples(text, base)
    return None if fast is None else _graph_of(*fast)


def read_turtle(
    path: Path,
    *,
    display: str | None = None,
    base: str | None = None,
    memo: dict[object, Node] | None = None,
) -> tuple[Iterable[Triple], list[tuple[str, str]]]:
    """The triples and prefixes of the Turtle file ``path``, checked as
    :func:`parse_turtle_data` checks them (same errors); ``memo`` as in
    :func:`_oxigraph_triples`."""
    shown = display or display_path(path)
    text = read_text(path, display=shown)
    fast = _oxigraph_triples(text, base, memo)
    if fast is None:
        graph = _rdflib_graph(text, shown, base)
        return _checked(graph, text, shown), list(graph.namespaces())
    return _checked(fast[0], text, shown), fast[1]


def parse_turtle(
    path: Path,
    into: Graph | None = None,
    *,
    display: str | None = None,
    base: str | None = None,
) -> Graph:
    """Parse the Turtle file ``path`` into ``into`` (a new graph by default) and return it.

    Errors are :class:`InputError` located at ``file:line`` (see
    :func:`read_text` and :func:`parse_turtle_data`).
    """
    shown = display or display_path(path)
    if into is None:
        return parse_turtle_data(read_text(path, display=shown), display=shown, base=base)
    triples, prefixes = read_turtle(path, display=shown, base=base)
    into.addN((s, p, o, into) for s, p, o in triples)
    for prefix, namespace in prefixes:
        into.bind(prefix, namespace, override=False)
    return into


def _add_file(
    loaded: LoadedDataset, iri: URIRef, path: Path, memo: dict[object, Node] | None = None
) -> None:
    triples, prefixes = read_turtle(path, display=loaded.display(path), base=str(iri), memo=memo)
    loaded._add(iri, triples, prefixes)
    loaded.files[iri] = (*loaded.files.get(iri, ()), path)


@bulk_step
def load_project(project: Project) -> LoadedDataset:
    """Load the ontology, the reference data and one named graph per article."""
    loaded = LoadedDataset(None, {}, project)
    if not project.ontology_file.is_file():
        raise InputError(
            located(project.display(project.ontology_file), "missing ontology file")
            + f" (project root: {project.root})"
        )
    articles = project.article_files()
    if not articles:
        raise InputError(located(project.display(project.articles_dir), "no article files (*.ttl)"))

    memo: dict[object, Node] = {}
    _add_file(loaded, ONTOLOGY_GRAPH, project.ontology_file, memo)
    for path in project.reference_files():
        _add_file(loaded, REFERENCE_GRAPH, path, memo)
    for path in articles:
        _add_file(loaded, article_graph_iri(path.stem), path, memo)
    return loaded


def load(root: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> LoadedDataset:
    """Find the project (see :func:`aiplus_kg.project.find_project`) and load it."""
    return load_project(find_project(root, env=env))


def load_extra(loaded: LoadedDataset, paths: Iterable[Path | str]) -> list[URIRef]:
    """Add contributor files to ``loaded``, each as the article graph named after its stem.

    A file ``x/<stem>.ttl`` becomes the graph ``src:<stem>``; if the project already
    has that graph (the contributor edits an existing article), it is replaced. Returns
    the IRIs of the graphs added, in the order given.
    """
    added: list[URIRef] = []
    for item in paths:
        path = Path(item)
        iri = article_graph_iri(path.stem)
        triples, prefixes = read_turtle(path, display=loaded.display(path), base=str(iri))
        loaded._drop(iri)
        loaded._add(iri, triples, prefixes)
        loaded.files[iri] = (path,)
        added.append(iri)
    return added
