"""The dataset in a pyoxigraph store (Oxigraph, a SPARQL 1.1 engine written in Rust).

:class:`Store` lays the dataset out as the project queries it: each named graph as
itself, and **the default graph holding the RDF merge of the named graphs**, each
distinct triple once (rdflib's ``default_union`` gives the same; pyoxigraph's own
``use_default_graph_as_union`` would repeat a triple once per graph holding it).

Terms go across unchanged, with one exception: Oxigraph stores some literals in a
canonical form (``"0.50"^^xsd:decimal`` becomes ``"0.5"``, language tags go to lower
case, ``"x"^^xsd:string`` becomes ``"x"``). :attr:`Store.faithful` tells whether every
literal survives the trip; where one does not, callers run the query on rdflib, so that
no answer changes.

A store also answers the few pattern look-ups that labels and entity names need
(:meth:`Store.objects`, :meth:`Store.subject_objects`, ``in``), on its default graph,
in rdflib terms: the same calls as on an rdflib graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from aiplus_kg.load.terms import Triple
from aiplus_kg.namespaces import PLAIN_IRI, XSD

__all__ = ["NTriplesWriter", "Rows", "Store", "dataset_graphs", "ntriples_text"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Rows = tuple[tuple[str, ...], list[tuple[Node | None, ...]]]
Pattern = tuple[Node | None, Node | None, Node | None]

_XSD_STRING = str(XSD.string)

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_LANGUAGE = re.compile(r"[a-z]{1,8}(-[a-z0-9]{1,8})*")


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


_TYPED_LITERALS = f"""
SELECT DISTINCT ?o WHERE {{
    ?s ?p ?o FILTER(isLiteral(?o) && LANG(?o) = "" && DATATYPE(?o) != <{_XSD_STRING}>)
}}"""


_CHUNK = 100_000
"""Triples turned into text and loaded at a time."""

_TOKEN_BYTES = (1 << 24) - 64
"""The longest literal (in bytes, quotes and tag included) Oxigraph's parsers read: they
hold a token in a buffer of at most 16 MiB. A longer one goes to the store as an
object."""


def _readable(spelled: str) -> bool:
    """Whether Oxigraph's parsers read the literal ``spelled`` (its buffer holds it)."""
    return len(spelled) <= _TOKEN_BYTES // 4 or len(spelled.encode()) <= _TOKEN_BYTES


def _chunks(triples: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    chunk: list[Triple] = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class NTriplesWriter:
    """rdflib terms as N-Triples text, each term spelled once: Oxigraph's parser (in
    pyoxigraph and in pyshacl-turbo) reads text many times faster than Python makes
    term objects. A term N-Triples cannot carry as it is (an IRI with a space, a lone
    surrogate, a language tag not in lower case, a literal longer than Oxigraph's
    parsers read) has no spelling (``None``); so has a
    blank node unless ``blank_nodes`` is true, when it is written ``_:aiplusb<n>`` and
    :attr:`blank_nodes` maps the label back to it. ``on_literal`` sees each typed literal
    spelled."""

    def __init__(
        self, *, blank_nodes: bool = False, on_literal: Callable[[Literal], None] | None = None
    ) -> None:
        self.spelled: dict[Node, str | None] = {}
        self.blank_nodes: dict[str, BNode] | None = {} if blank_nodes else None
        self._on_literal = on_literal

    def term(self, term: Node) -> str | None:
        """``term`` in N-Triples, or ``None``."""
        if term in self.spelled:
            return self.spelled[term]
        made: str | None = None
        if isinstance(term, URIRef):
            made = f"<{term}>" if PLAIN_IRI.fullmatch(term) else None
        elif isinstance(term, BNode):
            if self.blank_nodes is not None:
                made = f"aiplusb{len(self.blank_nodes)}"
                self.blank_nodes[made] = term
                made = f"_:{made}"
        elif isinstance(term, Literal) and _encodable(str(term)):
            escaped = str(term).translate(_ESCAPES)
            if not _readable(escaped):
                pass  # too long for Oxigraph's parsers: no spelling, stored as an object
            elif term.language:
                if _LANGUAGE.fullmatch(term.language):
                    made = f'"{escaped}"@{term.language}'
            elif term.datatype is None:
                made = f'"{escaped}"'
            elif PLAIN_IRI.fullmatch(term.datatype):
                if self._on_literal is not None:
                    self._on_literal(term)
                made = f'"{escaped}"^^<{term.datatype}>'
        self.spelled[term] = made
        return made

    def lines(
        self, triples: Iterable[Triple], graph: str = "", out: list[str] | None = None
    ) -> tuple[list[str], list[Triple]]:
        """The N-Triples (N-Quads, in the ``graph`` given spelled) lines of ``triples``,
        added to ``out``; and the triples that have no spelling."""
        lines = [] if out is None else out
        rest: list[Triple] = []
        get, spell = self.spelled.get, self.term
        end = f" {graph} .\n" if graph else " .\n"
        for triple in triples:
            s, p, o = triple
            a = get(s) or spell(s)
            b = get(p) or spell(p)
            c = get(o) or spell(o)
            if a is None or b is None or c is None:
                rest.append(triple)
            else:
                lines.append(f"{a} {b} {c}{end}")
        return lines, rest


def dataset_graphs(source: Dataset | Store) -> frozenset[URIRef]:
    """The IRIs of the non-empty named graphs of ``source``, an rdflib dataset or the
    fast engine's store."""
    if not isinstance(source, Dataset):
        return source.graphs()
    return frozenset(
        URIRef(str(g.identifier))
        for g in source.graphs()
        if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g) > 0
    )


def ntriples_text(writer: NTriplesWriter, triples: Iterable[Triple]) -> tuple[str, list[Triple]]:
    """The N-Triples text of ``triples`` spelled by ``writer``, and the triples that have
    no spelling. The text is joined a chunk at a time: two million lines held at once
    as strings take more memory than the text itself, and Python keeps it after."""
    pieces: list[str] = []
    rest: list[Triple] = []
    for chunk in _chunks(triples, _CHUNK):
        lines, missed = writer.lines(chunk)
        pieces.append("".join(lines))
        rest.extend(missed)
    return "".join(pieces), rest


class _RdflibTerms(dict[OxTerm | ox.Triple | None, Node | None]):
    """pyoxigraph terms to rdflib ones, each made once; ``None`` (unbound) to ``None``.
    A look-up that hits is a dictionary's own: reading a million cells calls no Python
    function (bench/run.py, P3: each saved query against pyoxigraph alone)."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, term: OxTerm | ox.Triple | None) -> Node:
        made: Node
        if isinstance(term, ox.NamedNode):
            made = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            made = BNode(term.value)
        elif isinstance(term, ox.Literal):
            if term.language:
                made = Literal(term.value, lang=term.language)
            elif term.datatype.value == _XSD_STRING:
                made = Literal(term.value)
            else:
                made = Literal(term.value, datatype=URIRef(term.datatype.value))
        else:
            raise TypeError(f"unexpected pyoxigraph term {term!r}")
        self[term] = made
        return made


class Store:
    """A pyoxigraph store holding the ``graphs`` given (``(name, triples)`` pairs;
    ``None`` as a name: the default graph only), with the merge of the named ones as
    its default graph."""

    def __init__(self, graphs: Iterable[tuple[URIRef | None, Iterable[Triple]]]) -> None:
        self.oxigraph = ox.Store()
        self._to: dict[Node, OxTerm] = {}
        self._from = _RdflibTerms()
        self._typed: set[tuple[str, str]] = set()  # typed literals given (lexical, datatype)
        self._unfaithful = False
        self._faithful: bool | None = None
        # Most quads go to Oxigraph as N-Quads text; those with a blank node (the parser
        # would rename it) or a term the parser might read otherwise go as objects.
        writer = NTriplesWriter(on_literal=self._account)
        objects: list[ox.Quad] = []
        default = ox.DefaultGraph()
        for name, triples in graphs:
            graph = "" if name is None else writer.term(name)
            for chunk in _chunks(triples, _CHUNK):  # the text of a million quads at once
                lines, rest = writer.lines(chunk)  # would double the store's memory
                if graph:
                    writer.lines(chunk, graph, lines)
                elif name is not None:  # a graph name N-Quads cannot carry
                    rest = chunk
                self.oxigraph.load("".join(lines), format=ox.RdfFormat.N_QUADS, lenient=True)
                del lines
                for s, p, o in rest:
                    subject, predicate, value = self._node(s), self._iri(p), self._ox(o)
                    objects.append(ox.Quad(subject, predicate, value, default))
                    if name is not None:
                        objects.append(ox.Quad(subject, predicate, value, self._iri(name)))
        self.oxigraph.bulk_extend(objects)

    @classmethod
    def of_triples(cls, triples: Iterable[Triple]) -> Store:
        """A store whose default graph holds ``triples``."""
        return cls([(None, triples)])

    @classmethod
    def of_dataset(cls, dataset: Dataset) -> Store:
        """A store holding the named graphs of an rdflib ``dataset``."""
        return cls(
            (URIRef(str(g.identifier)), g)
            for g in dataset.graphs()
            if g.identifier != DATASET_DEFAULT_GRAPH_ID
        )

    @classmethod
    def from_dump(cls, data: bytes) -> Store:
        """The store :meth:`dump` wrote (a faithful store's N-Quads), read back."""
        store = cls(())
        store.oxigraph.load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        store._faithful = True
        return store

    def dump(self) -> bytes:
        """The whole store as N-Quads."""
        data = self.oxigraph.dump(format=ox.RdfFormat.N_QUADS)
        assert data is not None  # no output file given: the bytes are returned
        return data

    # --- terms -------------------------------------------------------------------------

    def _ox(self, term: Node) -> OxTerm:
        found = self._to.get(term)
        if found is not None:
            return found
        made: OxTerm
        if isinstance(term, URIRef):
            made = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            made = ox.BlankNode()
        elif isinstance(term, Literal):
            made = self._literal(term)
        else:
            raise TypeError(f"cannot store {term!r} in pyoxigraph")
        self._to[term] = made
        self._from[made] = term
        return made

    def _node(self, term: Node) -> ox.NamedNode | ox.BlankNode:
        """``term`` as a subject: an IRI or a blank node."""
        made = self._ox(term)
        if isinstance(made, ox.Literal):
            raise TypeError(f"a literal cannot be a subject: {term!r}")
        return made

    def _iri(self, term: Node) -> ox.NamedNode:
        """``term`` as a predicate or a graph name: an IRI."""
        made = self._ox(term)
        if not isinstance(made, ox.NamedNode):
            raise TypeError(f"not an IRI: {term!r}")
        return made

    def _account(self, term: Literal) -> None:
        if str(term.datatype) == _XSD_STRING:
            self._unfaithful = True  # rdflib keeps "x"^^xsd:string apart from "x"
        else:
            self._typed.add((str(term), str(term.datatype)))

    def _literal(self, term: Literal) -> ox.Literal:
        if term.language:
            made = ox.Literal(str(term), language=term.language)
            self._unfaithful |= made.language != term.language
            return made
        if term.datatype is None:
            return ox.Literal(str(term))
        self._account(term)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))

    @property
    def faithful(self) -> bool:
        """Whether every literal is stored exactly as rdflib holds it, so that queries
        see the same terms on pyoxigraph as on rdflib."""
        if self._faithful is None:
            if self._unfaithful:
                self._faithful = False
            else:
                rows = self.oxigraph.query(_TYPED_LITERALS)
                assert isinstance(rows, ox.QuerySolutions)
                values = (row[0] for row in rows)
                stored = {(v.value, v.datatype.value) for v in values if isinstance(v, ox.Literal)}
                self._faithful = stored == self._typed
        return self._faithful

    # --- queries -----------------------------------------------------------------------

    def select(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        prefixes: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Rows | bool:
        """Run a ``SELECT`` (its variables and rows, as rdflib terms) or an ``ASK`` (a
        boolean); ``bindings`` pre-bind projected variables (SEP-0007), ``prefixes``
        are declared for the query; at most ``limit`` rows are read."""
        substitutions: dict[ox.Variable, OxTerm | ox.Triple] = {
            ox.Variable(k): self._ox(v) for k, v in (bindings or {}).items()
        }
        solutions = self.oxigraph.query(
            text, substitutions=substitutions, prefixes=dict(prefixes or {})
        )
        if isinstance(solutions, ox.QueryBoolean):
            return bool(solutions)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("only SELECT and ASK queries are run")
        variables = tuple(v.value for v in solutions.variables)
        back = self._from.__getitem__
        if limit is None:
            return variables, [tuple(map(back, solution)) for solution in solutions]
        return variables, [tuple(map(back, s)) for s in islice(solutions, limit)]

    def graphs(self) -> frozenset[URIRef]:
        """The IRIs of the named graphs."""
        return frozenset(
            URIRef(g.value) for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode)
        )

    # --- pattern look-ups on the default graph, as on an rdflib graph --------------------

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[ox.Quad]:
        if isinstance(s, Literal) or not isinstance(p, URIRef | None):
            return  # no triple has a literal subject or a predicate that is not an IRI
        yield from self.oxigraph.quads_for_pattern(
            None if s is None else self._node(s),
            None if p is None else self._iri(p),
            None if o is None else self._ox(o),
            ox.DefaultGraph(),
        )

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        back = self._from
        for quad in self._quads(*pattern):
            # a quad's terms are never None
            yield cast(Triple, (back[quad.subject], back[quad.predicate], back[quad.object]))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def __contains__(self, pattern: Pattern) -> bool:
        return next(self._quads(*pattern), None) is not None
