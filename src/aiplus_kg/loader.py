"""Assemble the project's dataset: the one place that reads the Turtle files.

Files go to named graphs as follows:

* ``ontology/aiplus.ttl``        -> ``https://w3id.org/aiplus/ontology``
* ``graph/reference/*.ttl``      -> ``https://w3id.org/aiplus/graph/reference``
* ``graph/articles/<stem>.ttl``  -> ``https://w3id.org/aiplus/source/<stem>``

The returned :class:`rdflib.Dataset` has ``default_union=True``: queries and
pattern look-ups on it see the union of all named graphs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, located
from .namespaces import ONTOLOGY_GRAPH, REFERENCE_GRAPH, SRC, article_graph_iri, bind_prefixes
from .project import Project, display_path, find_project

__all__ = [
    "LoadedDataset",
    "load",
    "load_extra",
    "load_project",
    "new_dataset",
    "parse_turtle",
    "parse_turtle_data",
    "read_text",
]


@dataclass
class LoadedDataset:
    """A dataset and the file(s) each of its named graphs was read from."""

    dataset: Dataset
    files: dict[URIRef, tuple[Path, ...]] = field(default_factory=dict)
    project: Project | None = None

    @property
    def article_graphs(self) -> list[URIRef]:
        """The IRIs of the article graphs, sorted."""
        return sorted(iri for iri in self.files if iri.startswith(str(SRC)))

    def graph(self, iri: URIRef) -> Graph:
        """The named graph ``iri`` (empty if absent)."""
        return self.dataset.graph(iri)

    def display(self, path: Path) -> str:
        """``path`` as shown in messages."""
        return display_path(path, self.project.root if self.project else None)


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
    graph = _parse_with_oxigraph(text, base)
    if graph is not None:
        return _checked(graph, text, display)
    graph = Graph(bind_namespaces="none")
    try:
        with _quiet_rdflib_terms():
            graph.parse(data=text, format="turtle", publicID=base)
    except BadSyntax as exc:
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        raise InputError(located(display, f"syntax error: {why}", exc.lines + 1)) from None
    except Exception as exc:  # rdflib raises assorted types for malformed input
        raise InputError(located(display, f"cannot parse: {exc}")) from None

    return _checked(graph, text, display)


def _checked(graph: Graph, text: str, display: str) -> Graph:
    """``graph``, unless it holds an ill-typed literal (an :class:`InputError`)."""
    for term in graph.objects():
        if isinstance(term, Literal) and term.ill_typed:
            datatype = term.datatype or ""
            line = _line_of(text, f'"{term}"')
            raise InputError(located(display, f'ill-typed literal "{term}"^^<{datatype}>', line))
    return graph


# Spellings pyoxigraph's parser would not hand back exactly as rdflib reads them: a
# literal typed xsd:string explicitly (rdflib keeps it apart from a plain literal; the
# datatype written as a full IRI or under any prefix) and a language tag with capitals
# (pyoxigraph writes tags in lower case). The IRI xsd:string elsewhere, as in
# ``rdfs:range xsd:string``, is no reason to leave pyoxigraph.
_NOT_FOR_OXIGRAPH = re.compile(
    r"\^\^\s*(?:<[^>]*string>|[A-Za-z0-9_.-]*:string\b)|[\"']@[A-Za-z0-9-]*[A-Z]"
)


def _parse_with_oxigraph(text: str, base: str | None) -> Graph | None:
    """The graph rdflib would read from ``text``, parsed by pyoxigraph (Rust, many times
    faster); ``None`` when pyoxigraph is not installed, when the text uses a spelling it
    would not hand back unchanged, or when it finds a problem (a relative IRI without
    ``base``, say), so that rdflib reads the file and words any error as it always has.
    Literals are built by rdflib from their lexical form and datatype, as its own parser
    builds them; each blank node label gets a fresh blank node, as in rdflib."""
    if _NOT_FOR_OXIGRAPH.search(text):
        return None
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    graph = Graph(bind_namespaces="none")
    nodes: dict[object, object] = {}
    blanks: dict[str, BNode] = {}
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"

    def term(node: object) -> object:
        found = nodes.get(node)
        if found is not None:
            return found
        if isinstance(node, ox.NamedNode):
            made: object = URIRef(node.value)
        elif isinstance(node, ox.BlankNode):
            made = blanks.setdefault(node.value, BNode())
        elif node.language:  # type: ignore[attr-defined]
            made = Literal(node.value, lang=node.language)  # type: ignore[attr-defined]
        elif node.datatype.value == xsd_string:  # type: ignore[attr-defined]
            made = Literal(node.value)  # type: ignore[attr-defined]
        else:
            made = Literal(node.value, datatype=URIRef(node.datatype.value))  # type: ignore[attr-defined]
        nodes[node] = made
        return made

    try:
        parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
        with _quiet_rdflib_terms():
            graph.addN(
                (term(q.subject), term(q.predicate), term(q.object), graph)  # type: ignore[misc]
                for q in parser
            )
        prefixes = parser.prefixes
    except (SyntaxError, ValueError, OSError):
        return None
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


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
    graph = parse_turtle_data(read_text(path, display=shown), display=shown, base=base)
    if into is None:
        return graph
    into.addN((s, p, o, into) for s, p, o in graph)
    for prefix, namespace in graph.namespaces():
        into.bind(prefix, namespace, override=False)
    return into


def _add_file(loaded: LoadedDataset, iri: URIRef, path: Path) -> None:
    parse_turtle(
        path,
        loaded.dataset.graph(iri),
        display=loaded.display(path),
        base=str(iri),
    )
    loaded.files[iri] = (*loaded.files.get(iri, ()), path)


def load_project(project: Project) -> LoadedDataset:
    """Load the ontology, the reference data and one named graph per article."""
    loaded = LoadedDataset(new_dataset(), {}, project)
    if not project.ontology_file.is_file():
        raise InputError(
            located(project.display(project.ontology_file), "missing ontology file")
            + f" (project root: {project.root})"
        )
    articles = project.article_files()
    if not articles:
        raise InputError(located(project.display(project.articles_dir), "no article files (*.ttl)"))

    _add_file(loaded, ONTOLOGY_GRAPH, project.ontology_file)
    for path in project.reference_files():
        _add_file(loaded, REFERENCE_GRAPH, path)
    for path in articles:
        _add_file(loaded, article_graph_iri(path.stem), path)
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
        scratch = parse_turtle(path, display=loaded.display(path), base=str(iri))
        loaded.dataset.remove_graph(iri)
        target = loaded.dataset.graph(iri)
        target.addN((s, p, o, target) for s, p, o in scratch)
        loaded.files[iri] = (path,)
        added.append(iri)
    return added
