"""Small read-only views over a dataset: the union, named graphs, labels, display names,
and the nodes reached along links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol, TypeAlias

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.namespaces import (
    ONTOLOGY_GRAPH,
    RDFS,
    REFERENCE_GRAPH,
    SKOS,
    SRC,
    XSD,
    bind_prefixes,
    curie,
)

__all__ = [
    "DEFAULT_GRAPH_ID",
    "LABEL_PROPERTIES",
    "NOT_IN_IRI",
    "Triple",
    "TripleSource",
    "display",
    "graph_name",
    "graph_sort_key",
    "iri_problem",
    "label",
    "label_values",
    "named_graphs",
    "reachable",
    "shown_iri",
    "shown_term",
    "shown_text",
    "term_problem",
    "term_text",
    "text_problem",
    "union_graph",
]

Triple: TypeAlias = tuple[Node, Node, Node]


class TripleSource(Protocol):
    """Where labels and names are looked up: an rdflib graph or dataset, or the fast
    engine's store (:class:`aiplus_kg.load.store.Store`), which answers the same
    look-ups on its default graph."""

    def objects(
        self, subject: Node | None = None, predicate: Node | None = None
    ) -> Iterable[Node]: ...

    def subject_objects(self, predicate: Node | None = None) -> Iterable[tuple[Node, Node]]: ...

    def __contains__(self, triple: tuple[Node | None, Node | None, Node | None]) -> bool: ...


LABEL_PROPERTIES: tuple[URIRef, ...] = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
"""Properties whose values name an entity, in order of preference."""

DEFAULT_GRAPH_ID = URIRef("urn:x-rdflib:default")

BARE_DATATYPES = frozenset({XSD.integer, XSD.decimal, XSD.double, XSD.boolean})
"""Datatypes whose literals are shown without quotes, as Turtle allows."""


def union_graph(source: Graph) -> Graph:
    """A plain graph holding every distinct triple of ``source`` (a graph or a dataset)."""
    union = bind_prefixes(Graph(bind_namespaces="none"))
    union += source.triples((None, None, None))
    return union


def graph_sort_key(iri: Node) -> tuple[int, str]:
    """Ontology first, then reference data, then the articles, then anything else."""
    if iri == ONTOLOGY_GRAPH:
        rank = 0
    elif iri == REFERENCE_GRAPH:
        rank = 1
    elif isinstance(iri, URIRef) and iri.startswith(str(SRC)):
        rank = 2
    else:
        rank = 3
    return rank, str(iri)


def named_graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty graphs of ``dataset`` in a stable order (see :func:`graph_sort_key`)."""
    graphs = [g for g in dataset.graphs() if len(g) > 0]
    return sorted(graphs, key=lambda g: graph_sort_key(g.identifier))


def graph_name(iri: Node) -> str:
    """A short name for a named graph: ``ontology``, ``reference`` or ``src:<stem>``."""
    if iri == ONTOLOGY_GRAPH:
        return "ontology"
    if iri == REFERENCE_GRAPH:
        return "reference"
    if iri == DEFAULT_GRAPH_ID:
        return "default"
    return curie(str(iri))


def label_values(graph: TripleSource, node: Node) -> list[Literal]:
    """The labels of ``node``: the literal values of the first of
    :data:`LABEL_PROPERTIES` it has (none for a literal)."""
    found: list[Literal] = []
    if not isinstance(node, URIRef | BNode):
        return found
    for prop in LABEL_PROPERTIES:
        found.extend(v for v in graph.objects(node, prop) if isinstance(v, Literal))
        if found:
            break
    return found


def label(graph: TripleSource, node: Node, lang: str = "en") -> str | None:
    """The best label of ``node``: ``lang`` first, then untagged, then French, then any."""
    found = label_values(graph, node)
    if not found:
        return None
    for wanted in (lang, None, "fr"):
        matches = sorted(str(v) for v in found if v.language == wanted)
        if matches:
            return matches[0]
    return sorted(str(v) for v in found)[0]


def term_text(node: Node) -> str:
    """A compact spelling of a term: a CURIE, ``<iri>``, ``_:id`` or a quoted literal."""
    if isinstance(node, URIRef):
        short = curie(str(node))
        return short if short != str(node) else f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype in BARE_DATATYPES:
            return str(node)
        text = f'"{node}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype:
            return f"{text}^^{term_text(node.datatype)}"
        return text
    return node.n3()


def display(graph: TripleSource, node: Node, lang: str = "en") -> str:
    """``Label (curie)`` for a named term, or its compact spelling when it has no label."""
    name = label(graph, node, lang)
    if name is None:
        return term_text(node)
    return f"{name} ({term_text(node)})"


def reachable(starts: Iterable[Node], links: Mapping[Node, set[Node]]) -> set[Node]:
    """The ``starts`` and every node reached from them along ``links``."""
    found = set(starts)
    stack = list(found)
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found


# --- terms RDF cannot hold -----------------------------------------------------------------
#
# rdflib makes a term of almost anything (an IRI with a space, a literal holding half of a
# UTF-16 surrogate pair); pyoxigraph, which stores, queries and validates for the fast
# engine, refuses such terms, and so do the standards. The loader refuses them in every
# file it reads (see aiplus_kg.load.turtle), and the resolver in what a user types, so
# that every command gives one verdict: exit code 2, naming the term.

NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')
"""A character an IRI may never hold: what Turtle's IRIREF excludes, and a lone
surrogate (from a ``\\uD800`` escape: not Unicode text)."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_IRI_DELIMITERS = frozenset('<>"{}|^`\\')
_SHOWN_LENGTH = 120
"""Characters of a term shown in a message, at most."""


def _character(char: str) -> str:
    """``char`` named for a message: ``a space (U+0020)``, ``'>' (U+003E)``..."""
    code = f"U+{ord(char):04X}"
    if char == " ":
        return f"a space ({code})"
    if _SURROGATE.fullmatch(char):
        return f"a lone surrogate ({code})"
    if unicodedata.category(char) == "Cc":
        return f"a control character ({code})"
    return f"{char!r} ({code})"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def shown_text(text: str, limit: int = _SHOWN_LENGTH, also: frozenset[str] = frozenset()) -> str:
    """``text`` for a one-line message: at most ``limit`` characters, and each character
    that does not print as itself on one line (a control character, a lone surrogate,
    white space but the plain space, an invisible one), and each of ``also``, written
    ``\\uXXXX``."""
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    if text.isprintable() and not also.intersection(text):
        return text  # no space but U+0020 either: the others do not print
    return "".join(
        _escape(c) if c in also or not (c == " " or c.isprintable()) else c for c in text
    )


def iri_problem(iri: str) -> str | None:
    """Why ``iri`` is not an IRI RDF can hold, or ``None`` when it is one.

    The judge is pyoxigraph's IRI parser (RFC 3987), the one the fast engine reads every
    term with: a character IRIs may not hold (a space, a control character, ``<>"{}|^`\\``),
    a lone surrogate, no scheme, a bad ``%`` escape, a malformed host...
    """
    found = NOT_IN_IRI.search(iri)
    if found is not None:
        return f"{_character(found.group())} is not allowed in an IRI"
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return _sentence(exc)
    return None


def _sentence(exc: Exception) -> str:
    """pyoxigraph's message, on one line, to follow a colon."""
    why = " ".join(str(exc).split()) or type(exc).__name__
    return why[0].lower() + why[1:]


def _literal_problem(literal: Literal) -> str | None:
    found = _SURROGATE.search(literal)
    if found is not None:
        return f"it holds {_character(found.group())}, which is not Unicode text"
    if literal.language:
        import pyoxigraph as ox

        try:
            ox.Literal("", language=literal.language)
        except ValueError as exc:
            return f"bad language tag {literal.language!r}: {_sentence(exc)}"
    if literal.datatype is not None:
        why = iri_problem(literal.datatype)
        if why is not None:
            return f"its datatype {shown_term(literal.datatype)} is not an IRI: {why}"
    return None


def text_problem(text: str) -> str | None:
    """Why ``text`` (typed by a user) is not Unicode text, or ``None``: it holds a lone
    surrogate, which is how Python passes on a byte of the command line that is not
    UTF-8 (U+DC80 to U+DCFF stand for the bytes 0x80 to 0xFF)."""
    found = _SURROGATE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"it holds the byte 0x{code - 0xDC00:02X}, which is not UTF-8"
    return f"it holds {_character(found.group())}, which is not Unicode text"


def term_problem(term: Node) -> str | None:
    """Why RDF (and pyoxigraph) cannot hold ``term`` as it is, or ``None``: an IRI that
    is not one (see :func:`iri_problem`), a literal holding a lone surrogate, with a
    malformed language tag or a datatype that is not an IRI. Blank nodes are fine."""
    if isinstance(term, URIRef):
        return iri_problem(term)
    if isinstance(term, Literal):
        return _literal_problem(term)
    return None


def shown_iri(iri: str) -> str:
    """``<iri>`` for a one-line message (see :func:`shown_term`)."""
    return f"<{shown_text(iri, also=_IRI_DELIMITERS)}>"


def shown_term(term: Node) -> str:
    """``term`` for a one-line message: ``<iri>`` or a quoted literal, each shortened, the
    characters that have no place in them escaped (``\\u003E``)."""
    if isinstance(term, URIRef):
        return shown_iri(term)
    if isinstance(term, Literal):
        text = f'"{shown_text(str(term), 60)}"'
        if term.language:
            return f"{text}@{shown_text(term.language, 40)}"
        if term.datatype is not None:
            return f"{text}^^{shown_term(term.datatype)}"
        return text
    return shown_text(term.n3())
