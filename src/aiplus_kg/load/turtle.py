"""Read Turtle files: the text, checked, as rdflib triples.

pyoxigraph (Rust) parses a file where it hands back exactly what rdflib's own parser
would; rdflib parses the rest and words the syntax errors. Every problem is an
:class:`~aiplus_kg.errors.InputError` located at ``file:line``: a file that cannot be
read or is not UTF-8, a syntax error, an ill-typed literal, a term RDF cannot hold.

Terms: pyoxigraph refuses a file holding an IRI that is not one (a space, a control
character, a ``>`` written ``\\u003E``...), a literal with a lone surrogate or a
malformed language tag; rdflib would read it, and the commands that store, query or
validate with pyoxigraph would then fail while the others went on. So whatever rdflib
reads is checked term by term (:func:`~aiplus_kg.load.terms.term_problem`), and the
first bad term, located by one pass over the text, is an error: every command that
reads the file gives the same verdict. Files pyoxigraph reads cost nothing more.

Size: pyoxigraph's parser holds a token in at most 16 MiB; a longer literal goes to
rdflib, which reads it (the store takes it as an object, see
:class:`~aiplus_kg.load.store.NTriplesWriter`). No cap is set on literals.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.terms import (
    NOT_IN_IRI,
    Triple,
    shown_iri,
    shown_term,
    shown_text,
    term_problem,
)
from aiplus_kg.project import display_path

__all__ = ["parse_turtle", "parse_turtle_data", "quiet_rdflib_terms", "read_text", "read_turtle"]


@contextmanager
def quiet_rdflib_terms() -> Iterator[None]:
    """Silence rdflib's log records and warnings about ill-typed literals (``"maybe"``
    as an ``xsd:boolean``...); they are reported as errors, on one line."""
    logger = logging.getLogger("rdflib.term")
    previous = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.")
            yield
    finally:
        logger.disabled = previous


def _line_of(text: str, *needles: str) -> int | None:
    """The line where ``text`` first writes one of ``needles`` (tried in turn) outside
    a comment line, or ``None``."""
    for needle in needles:
        index = text.find(needle)
        while index >= 0:
            start = text.rfind("\n", 0, index) + 1
            if not text[start:index].lstrip().startswith("#"):
                return text.count("\n", 0, index) + 1
            index = text.find(needle, index + 1)
    return None


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
        graph = _rdflib_graph(text, display, base)
        _checked(graph, text, display, base)
        return graph
    _checked(fast[0], text, display, base)
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
    from rdflib.plugins.parsers.notation3 import BadSyntax

    graph = Graph(bind_namespaces="none")
    try:
        with quiet_rdflib_terms():
            graph.parse(data=text, format="turtle", publicID=base)
    except BadSyntax as exc:
        why = getattr(exc, "_why", None) or str(exc).splitlines()[0]
        line = exc.lines + 1
        parsed, at = getattr(exc, "_str", None), getattr(exc, "_i", None)
        if isinstance(parsed, bytes):  # rdflib keeps the text it parsed encoded
            parsed = parsed.decode("utf-8", errors="replace")
        if isinstance(parsed, str) and isinstance(at, int) and 0 <= at <= len(parsed):
            # rdflib's own count of lines runs ahead after some constructs: the offset
            # of the error in the text it parsed is right
            line = parsed.count("\n", 0, at) + 1
            why += _near(parsed, at)
        raise InputError(located(display, f"syntax error: {why}", line)) from None
    except Exception as exc:  # rdflib raises assorted types for malformed input
        raise InputError(located(display, f"cannot parse: {exc}")) from None
    _check_terms(graph, text, display, base)
    return graph


_IRI_WITH_GT = re.compile(r"<[^\s<>]*>[^\s<]*>")
_NEAR = 60
"""Characters looked at on either side of a syntax error, at most."""


def _near(parsed: str, at: int) -> str:
    """Where a syntax error is: ``, at WORD`` (the text around offset ``at`` of
    ``parsed``, up to white space), with a hint when WORD looks like an IRI holding
    ``>``; ``""`` when there is no such word."""
    start = at
    while start > max(at - _NEAR, 0) and not parsed[start - 1].isspace():
        start -= 1
    end = at
    while end < min(at + _NEAR, len(parsed)) and not parsed[end].isspace():
        end += 1
    word = parsed[start:end]
    if not word:
        return ""
    hint = ""
    if _IRI_WITH_GT.fullmatch(word):
        hint = " (an IRI cannot hold '>'; write it %3E)"
    return f", at {shown_text(word, 2 * _NEAR)}{hint}"


_IRIREF = re.compile(r"<([^<>\n]*)>")
"""Whatever is written between angle brackets on one line: the IRIs of a Turtle file
(and some text of its strings and comments)."""
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(spelled: str) -> str:
    """An IRI as written between angle brackets, its ``\\u`` escapes decoded."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _UCHAR.sub(char, spelled) if "\\" in spelled else spelled


def _check_terms(triples: Iterable[Triple], text: str, display: str, base: str | None) -> None:
    """Raise an :class:`InputError` for the first term of ``text`` (read into
    ``triples``) that RDF cannot hold (see :func:`~aiplus_kg.load.terms.term_problem`),
    naming it, at the line where the text spells it."""
    seen: set[Node] = set()
    bad: dict[Node, str] = {}
    for triple in triples:
        for term in triple:
            if term not in seen and not isinstance(term, BNode):
                seen.add(term)
                why = term_problem(term)
                if why is not None:
                    bad[term] = why
    if not bad:
        return
    term, line = _first_bad(bad, text, base)
    kind = "IRI" if isinstance(term, URIRef) else "literal"
    raise InputError(located(display, f"bad {kind} {shown_term(term)}: {bad[term]}", line))


def _first_bad(bad: dict[Node, str], text: str, base: str | None) -> tuple[Node, int | None]:
    """The bad term written first in ``text``, and its line: one pass over what the text
    writes between angle brackets finds a bad IRI spelled in full, or the ``PREFIX`` or
    relative IRI it was made of; failing that, the line where pyoxigraph stops, and
    the first bad term read."""
    iris = {str(t): t for t in bad if isinstance(t, URIRef)}
    if iris:
        for match in _IRIREF.finditer(text):
            spelled = _unescaped(match.group(1))
            found = iris.get(spelled)
            if found is None and NOT_IN_IRI.search(spelled):
                found = next((t for i, t in iris.items() if spelled in i), None)
            if found is not None:
                return found, text.count("\n", 0, match.start()) + 1
    return next(iter(bad)), _oxigraph_error_line(text, base)


def _oxigraph_error_line(text: str, base: str | None) -> int | None:
    """The line where pyoxigraph's parser finds the first problem of ``text``."""
    import pyoxigraph as ox

    try:
        for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base):
            pass
    except SyntaxError as exc:
        return exc.lineno
    except (ValueError, OSError, MemoryError):
        return None
    return None


def _checked(
    triples: Iterable[Triple], text: str, display: str, base: str | None
) -> Iterable[Triple]:
    """``triples``, unless one holds an ill-typed literal (an :class:`InputError`)."""
    for _, _, term in triples:
        if isinstance(term, Literal) and term.ill_typed:
            written = _written(term, text, base)
            line = _line_of(text, f'"{written}"^^', f'"{written}"', written)
            shown = f'"{shown_text(written, 60)}"^^{shown_iri(term.datatype or "")}'
            raise InputError(located(display, f"ill-typed literal {shown}", line))
    return triples


def _written(literal: Literal, text: str, base: str | None) -> str:
    """The lexical form of the ill-typed ``literal`` as ``text`` writes it: rdflib
    rewrites some (it reads ``"maybe"^^xsd:boolean`` as ``"false"``)."""
    import pyoxigraph as ox

    datatype = str(literal.datatype)
    try:
        with quiet_rdflib_terms():
            for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base):
                value = quad.object
                if isinstance(value, ox.Literal) and value.datatype.value == datatype:
                    made = Literal(value.value, datatype=literal.datatype)
                    if made.ill_typed and made == literal:
                        return value.value
    except (SyntaxError, ValueError, OSError, MemoryError):
        pass  # a file only rdflib reads: its own spelling
    return str(literal)


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
    (Rust, many times faster); ``None`` when the text uses a spelling pyoxigraph would
    not hand back unchanged, or when it finds a problem (a relative IRI without
    ``base``, say), so that rdflib reads the file and words any error as it always has.

    Literals are built by rdflib from their lexical form and datatype, as its own
    parser builds them; each blank node label gets a fresh blank node, as in rdflib.
    IRIs and literals are looked up in ``memo`` (shared by the files of one load, so
    that equal terms are one object) and added to it.
    """
    if _NOT_FOR_OXIGRAPH.search(text):
        return None
    import pyoxigraph as ox

    nodes: dict[object, Node] = {} if memo is None else memo
    blanks: dict[str, BNode] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        found = nodes.get(node)
        if found is not None:
            return found
        made: Node
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, BNode())
        if isinstance(node, ox.NamedNode):
            made = URIRef(node.value)
        elif not isinstance(node, ox.Literal):
            raise ValueError("RDF-star triples are not supported")
        elif node.language:
            made = Literal(node.value, lang=node.language)
        elif node.datatype.value == _XSD_STRING:
            made = Literal(node.value)
        else:
            made = Literal(node.value, datatype=URIRef(node.datatype.value))
        nodes[node] = made
        return made

    try:
        parser = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)
        with quiet_rdflib_terms():
            triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
        prefixes = list(parser.prefixes.items())
    except (SyntaxError, ValueError, OSError, MemoryError):
        # MemoryError: a token (a literal) longer than the parser's 16 MiB buffer
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
        return _checked(graph, text, shown, base), list(graph.namespaces())
    return _checked(fast[0], text, shown, base), fast[1]


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
