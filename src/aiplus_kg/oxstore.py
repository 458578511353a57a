"""pyoxigraph (Oxigraph, a SPARQL 1.1 engine in Rust) as the fast engine's store.

:func:`dataset_store` copies an rdflib dataset into a pyoxigraph store the way the
project's rdflib dataset is queried: each named graph as itself, and **the default graph
holding the RDF merge of the named graphs** (each distinct triple once). That is what
rdflib's ``default_union`` dataset gives; pyoxigraph's own ``use_default_graph_as_union``
would repeat a triple once per graph holding it (Oxigraph issue #1919).

Terms go across unchanged, with one exception: Oxigraph stores some literals in a
canonical form (``"0.50"^^xsd:decimal`` becomes ``"0.5"``, language tags go to lower
case). :attr:`OxDataset.faithful` tells whether every literal survives the trip;
callers fall back to rdflib when one does not, so that no answer changes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from aiplus_kg.bulk import bulk_work
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.namespaces import PLAIN_IRI, XSD

__all__ = [
    "Converter",
    "GraphView",
    "OxDataset",
    "dataset_store",
    "graph_store",
    "graphs_store",
    "layered_store",
    "load_store",
    "select",
]

_XSD_STRING = str(XSD.string)


class Converter:
    """rdflib terms to pyoxigraph terms and back, remembering what it has seen.

    ``unfaithful`` counts the literals that cannot cross unchanged (a language tag
    that is not in lower case, an explicit ``xsd:string``); ``typed`` keeps the other
    typed literals, whose stored form :attr:`OxDataset.faithful` checks.
    """

    def __init__(self) -> None:
        self._to: dict[Node, Any] = {}
        self._blank_from: dict[str, BNode] = {}
        self._from: dict[Any, Node] = {}  # pyoxigraph term -> rdflib term, as converted
        # the IRIs stored, by their text: a query gives back the very objects stored, so
        # that looking its answers up in the caller's dicts finds them by identity (two
        # equal but distinct rdflib IRIs are compared by a Python-level ``__eq__``)
        self.iris: dict[str, URIRef] = {}
        self.typed: set[tuple[str, str]] = set()
        self.unfaithful = 0

    def copy(self) -> Converter:
        """A converter that knows what this one knows, and goes on alone."""
        made = Converter()
        made._to, made._blank_from, made._from = dict(self._to), dict(self._blank_from), {}
        made.iris, made.typed, made.unfaithful = dict(self.iris), set(self.typed), self.unfaithful
        return made

    def to_ox(self, term: Node) -> Any:
        found = self._to.get(term)
        if found is not None:
            return found
        if isinstance(term, URIRef):
            iri = str(term)
            made: Any = ox.NamedNode(iri)
            self.iris[iri] = term
        elif isinstance(term, BNode):
            made = ox.BlankNode()
            self._blank_from[made.value] = term
        elif isinstance(term, Literal):
            made = self._literal(term)
        else:
            raise TypeError(f"cannot store {term!r} in pyoxigraph")
        self._to[term] = made
        return made

    def _literal(self, term: Literal) -> Any:
        if term.language:
            made = ox.Literal(str(term), language=term.language)
            if made.language != term.language:
                self.unfaithful += 1
            return made
        if term.datatype is None:
            return ox.Literal(str(term))
        if str(term.datatype) == _XSD_STRING:
            self.unfaithful += 1  # rdflib keeps "x"^^xsd:string apart from "x"; Oxigraph does not
        else:
            self.typed.add((str(term), str(term.datatype)))
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))

    def from_ox(self, term: Any) -> Node | None:
        if term is None:
            return None
        found = self._from.get(term)
        if found is None:
            found = self._from[term] = self._convert(term)
        return found

    def _convert(self, term: Any) -> Node:
        if isinstance(term, ox.NamedNode):
            value = term.value
            return self.iris.get(value) or URIRef(value)
        if isinstance(term, ox.BlankNode):
            return self._blank_from.get(term.value) or BNode(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == _XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(datatype))
        raise TypeError(f"unexpected pyoxigraph term {term!r}")


_TYPED_LITERALS = f"""
SELECT DISTINCT ?o WHERE {{
    ?s ?p ?o
    FILTER(isLiteral(?o) && LANG(?o) = "" && DATATYPE(?o) != <{_XSD_STRING}>)
}}"""
"""The typed literals of the graphs a dataset reads (its store's default graph, which
holds every triple of the store, and its layers)."""


class OxDataset:
    """A pyoxigraph store and the converter that filled it. Its queries read the
    store's default graph, and with it the named graphs of ``layers`` (see
    :func:`layered_store`).

    A store may still be loading in the background (see :func:`_fill`): :attr:`store`
    waits for it, and raises what went wrong there.
    """

    def __init__(self, store: Any, converter: Converter, layers: tuple[Any, ...] = ()) -> None:
        self._store = store
        self.converter = converter
        self.layers = layers
        self._faithful: bool | None = None
        self._as_faithful_as: OxDataset | None = None
        # the loads still running, oldest first; shared by the datasets over one store
        self._loading: list[Future[None]] = []

    @property
    def store(self) -> Any:
        """The pyoxigraph store, every load begun on it done."""
        while self._loading:
            self._loading[0].result()
            self._loading.pop(0)
        return self._store

    def query(self, text: str, **options: Any) -> Any:
        """Run ``text`` with pyoxigraph's ``options``, on the graphs this dataset reads."""
        if self.layers:
            options["default_graph"] = [ox.DefaultGraph(), *self.layers]
        return self.store.query(text, **options)

    @property
    def faithful(self) -> bool:
        """Whether every literal is stored exactly as rdflib holds it, so that queries
        see the same terms on both engines."""
        if self._faithful is None and self._as_faithful_as is not None:
            self._faithful = self._as_faithful_as.faithful
        if self._faithful is None:
            if self.converter.unfaithful:
                self._faithful = False
            else:
                stored = {
                    (row[0].value, row[0].datatype.value) for row in self.query(_TYPED_LITERALS)
                }
                self._faithful = stored == self.converter.typed
        return self._faithful

    def dump(self) -> bytes:
        """The whole store as N-Quads: the default graph's lines, sorted, then the named
        graphs' lines, sorted; the order :func:`load_store` wants (see :func:`_fill`),
        and the same bytes for the same quads whatever order they were added in (blank
        node labels aside)."""
        store = self.store
        plain = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        lines = plain.splitlines(keepends=True)
        in_default = set(lines)
        everything = store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
        named = [line for line in everything if line not in in_default]
        lines.sort()
        named.sort()
        return b"".join(lines) + b"".join(named)


def graph_store(
    triples: Iterable[tuple[Node, Node, Node]], *, background: bool = False
) -> OxDataset:
    """A store whose default graph holds ``triples`` (a graph, or any triples); with
    ``background``, still loading when it is given back (see :func:`_fill`)."""
    return _quads_store(((s, p, o, None) for s, p, o in triples), background)


def dataset_store(dataset: Dataset) -> OxDataset:
    """The named graphs of ``dataset`` as named graphs, and their merge as the default
    graph (see the module docstring)."""

    def quads() -> Iterable[tuple[Node, Node, Node, Node | None]]:
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            yield s, p, o, None if name == DEFAULT_GRAPH_ID else name

    return _quads_store(quads())


def graphs_store(graphs: Iterable[tuple[Node, Iterable[tuple[Node, Node, Node]]]]) -> OxDataset:
    """Each ``(name, triples)`` of ``graphs`` as a named graph, and their merge as the
    default graph, as :func:`dataset_store` lays out a dataset."""
    return _quads_store((s, p, o, name) for name, triples in graphs for s, p, o in triples)


_CHUNK = 200_000
"""N-Quads lines handed to pyoxigraph's parser at a time."""


def _quads_store(
    quads: Iterable[tuple[Node, Node, Node, Node | None]], background: bool = False
) -> OxDataset:
    """A store holding each quad in the default graph, and in its named graph if it has
    one (``None``: the default graph only)."""
    ds = OxDataset(ox.Store(), Converter())
    _fill(ds, quads, background=background)
    return ds


def layered_store(
    base: OxDataset,
    triples: Iterable[tuple[Node, Node, Node]],
    name: URIRef,
    *,
    background: bool = False,
) -> OxDataset:
    """A dataset over the store of ``base`` whose queries read ``base``'s graphs and,
    with them, a named graph ``name`` holding ``triples``: a closure's inferred triples
    beside the given ones, say, without a second copy of those. ``base`` itself still
    reads its own graphs only.

    ``triples`` must not be in ``base``'s graphs: Oxigraph finds a triple once for each
    graph read that holds it. With ``background``, see :func:`_fill`."""
    layer = OxDataset(base._store, base.converter.copy(), (*base.layers, ox.NamedNode(name)))
    layer._loading = base._loading  # one store: whoever reads it waits for every load
    converter = layer.converter
    before = (len(converter.typed), converter.unfaithful)
    _fill(layer, ((s, p, o, name) for s, p, o in triples), union=False, background=background)
    if (len(converter.typed), converter.unfaithful) == before:
        # every typed literal of the layer is one ``base`` holds, as it holds it
        layer._as_faithful_as = base
    return layer


def _fill(
    ds: OxDataset,
    quads: Iterable[tuple[Node, Node, Node, Node | None]],
    *,
    union: bool = True,
    background: bool = False,
) -> None:
    """Add each quad to its named graph in the store of ``ds`` and, with ``union``, to
    the default graph too (``None`` for a name: the default graph only).

    Most quads go to pyoxigraph as N-Quads text, which its parser reads several times
    faster than Python builds its term objects (each term is written once); quads with a
    blank node, or with a term the parser might read otherwise than pyoxigraph's
    constructors do, go as term objects (see :class:`_Writer`).

    The lines go in sorted order, the default graph's first: Oxigraph answers joins
    faster from a store filled in that order than from one filled in the loader's hash
    order (up to several times on the saved queries at a million triples; the order
    changes no answer).

    The text is written here; Oxigraph reads it in a thread of its own, which does not
    hold Python's lock. With ``background`` the caller goes on meanwhile (with work on
    another core) and :attr:`OxDataset.store` waits for the load; without, it returns
    once the load is done. Loads on one store run one after the other, in the order
    they were begun. Loading in a thread also keeps the stores' memory together: each
    store is then made from the memory the one dropped before it left free (the query
    store from the validator's), where the main thread would ask the system for more
    (about 240 MB less at its peak, and a few seconds less, at a million triples).
    """
    converter = ds.converter
    writer = _Writer(converter)
    known, text = writer.memo.get, writer.text
    to = converter.to_ox
    default = ox.DefaultGraph()
    plain: list[str] = []
    named: list[str] = []
    objects: list[Any] = []
    for s, p, o, name in quads:
        a, b, c = known(s) or text(s), known(p) or text(p), known(o) or text(o)
        g = "" if name is None else known(name) or text(name)
        if a is None or b is None or c is None or g is None:
            quad_s, quad_p, quad_o = to(s), to(p), to(o)
            if union or name is None:
                objects.append(ox.Quad(quad_s, quad_p, quad_o, default))
            if name is not None:
                objects.append(ox.Quad(quad_s, quad_p, quad_o, to(name)))
            continue
        triple = f"{a} {b} {c}"
        if union or not g:
            plain.append(f"{triple} .\n")
        if g:
            named.append(f"{triple} {g} .\n")
    plain.sort()
    named.sort()
    ds._loading.append(_in_thread(_loader(ds._store, plain, named, objects), list(ds._loading)))
    if not background:
        ds.store  # noqa: B018 -- waits for the load


def _in_thread(load: Callable[[], None], earlier: list[Future[None]]) -> Future[None]:
    """Run ``load`` in a thread of its own once the ``earlier`` loads are done; its
    outcome."""
    done: Future[None] = Future()

    def run() -> None:
        try:
            for before in earlier:
                before.result()
            load()
        except BaseException as exc:  # handed to the thread that reads the store
            done.set_exception(exc)
        else:
            done.set_result(None)

    threading.Thread(target=run, name="aiplus-store-load").start()
    return done


def _loader(
    store: Any, plain: list[str], named: list[str], objects: list[Any]
) -> Callable[[], None]:
    """What loads the lines and quads :func:`_fill` made into ``store``."""

    def load() -> None:
        for lines in (plain, named):
            for start in range(0, len(lines), _CHUNK):
                chunk = "".join(lines[start : start + _CHUNK])
                store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
            lines.clear()
        if objects:
            store.bulk_extend(objects)
            objects.clear()

    return load


_LANGUAGE = re.compile(r"[a-z]{1,8}(-[a-z0-9]{1,8})*")


class _Writer:
    """rdflib terms as N-Quads text, each written once; literals are accounted for in
    the converter as :meth:`Converter.to_ox` accounts for them.

    ``None`` stands for a term that must go as a term object instead: a blank node (the
    parser would rename it, and the converter must know its stored name), an IRI that is
    not absolute or has a character N-Quads does not allow, a literal that is not valid
    Unicode or whose language tag is not in the lower-case form pyoxigraph stores.
    """

    def __init__(self, converter: Converter) -> None:
        self.converter = converter
        self.memo: dict[Node, str | None] = {}

    def text(self, term: Node) -> str | None:
        try:
            return self.memo[term]
        except KeyError:
            made = self.memo[term] = self._write(term)
            return made

    def _write(self, term: Node) -> str | None:
        if isinstance(term, URIRef):
            if not PLAIN_IRI.fullmatch(term):
                return None
            iri = str(term)
            self.converter.iris[iri] = term
            return f"<{iri}>"
        if not isinstance(term, Literal):
            return None
        lexical = str(term)
        try:
            lexical.encode()
        except UnicodeEncodeError:
            return None
        escaped = lexical.replace("\\", "\\\\") if "\\" in lexical else lexical
        escaped = escaped.replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        quoted = f'"{escaped}"'
        if term.language:
            return f"{quoted}@{term.language}" if _LANGUAGE.fullmatch(term.language) else None
        if term.datatype is None:
            return quoted
        if not PLAIN_IRI.fullmatch(term.datatype):
            return None
        if str(term.datatype) == _XSD_STRING:
            self.converter.unfaithful += 1  # as Converter.to_ox counts it
        else:
            self.converter.typed.add((lexical, str(term.datatype)))
        return f"{quoted}^^<{term.datatype}>"


def load_store(data: bytes) -> OxDataset:
    """A store read back from :meth:`OxDataset.dump` (a faithful store's N-Quads).

    ``data`` must be a dump, byte for byte: it is parsed without checking its IRIs and
    language tags again (``lenient``), which the store that wrote them has done."""
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
    ds = OxDataset(store, Converter())
    ds._faithful = True  # only faithful stores are dumped
    return ds


def select(
    ds: OxDataset,
    text: str,
    bindings: Mapping[str, Node] | None = None,
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]] | bool:
    """Run a ``SELECT`` (the variables and rows, as rdflib terms) or an ``ASK`` (a
    boolean) on ``ds``; ``bindings`` pre-bind projected variables (SEP-0007)."""
    to = ds.converter.to_ox
    substitutions = {ox.Variable(str(Variable(k))): to(v) for k, v in (bindings or {}).items()}
    solutions = ds.query(text, substitutions=substitutions)
    if isinstance(solutions, ox.QueryBoolean):
        return bool(solutions)
    variables = tuple(v.value for v in solutions.variables)
    back = ds.converter.from_ox
    # rows of terms make no reference cycles: the collector need not walk the process's
    # objects (millions, after a validation) while they pile up; a solution iterates
    # over its values in the order of the variables (``None`` where unbound), which is
    # faster than looking each variable up
    with bulk_work():
        rows = [tuple(map(back, solution)) for solution in solutions]
    return variables, rows


class _NamedGraph:
    """What :func:`aiplus_kg.query.catalogue.dataset_graphs` reads of a named graph: its name,
    and whether it is empty (``len`` is 1 for a graph with triples: a store does not
    count them for free)."""

    def __init__(self, identifier: URIRef, store: Any) -> None:
        self.identifier = identifier
        self._store = store

    def __len__(self) -> int:
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(self.identifier)))
        return int(next(iter(quads), None) is not None)


class GraphView:
    """Read-only look-ups on a store, in the shape the label, resolve and parameter code
    uses on an rdflib dataset: ``objects``, ``subject_objects``, ``triples``, ``in``
    and ``graphs``. Patterns look at the default graph (the merge of the named graphs).
    """

    def __init__(self, ds: OxDataset) -> None:
        self.ds = ds
        self._graphs: list[_NamedGraph] | None = None

    def _pattern(self, s: Node | None, p: Node | None, o: Node | None) -> Any:
        to = self.ds.converter.to_ox
        return self.ds.store.quads_for_pattern(
            None if s is None else to(s),
            None if p is None else to(p),
            None if o is None else to(o),
            ox.DefaultGraph(),
        )

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None]
    ) -> Iterable[tuple[Node, Node, Node]]:
        back = self.ds.converter.from_ox
        for quad in self._pattern(*pattern):
            yield back(quad.subject), back(quad.predicate), back(quad.object)  # type: ignore[misc]

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterable[Node]:
        back = self.ds.converter.from_ox
        for quad in self._pattern(subject, predicate, None):
            yield back(quad.object)  # type: ignore[misc]

    def subject_objects(self, predicate: Node | None = None) -> Iterable[tuple[Node, Node]]:
        back = self.ds.converter.from_ox
        for quad in self._pattern(None, predicate, None):
            yield back(quad.subject), back(quad.object)  # type: ignore[misc]

    def __contains__(self, pattern: tuple[Node | None, Node | None, Node | None]) -> bool:
        return next(iter(self._pattern(*pattern)), None) is not None

    def graphs(self) -> list[_NamedGraph]:
        if self._graphs is None:
            names = sorted(str(g.value) for g in self.ds.store.named_graphs())
            self._graphs = [_NamedGraph(URIRef(g), self.ds.store) for g in names]
        return self._graphs
