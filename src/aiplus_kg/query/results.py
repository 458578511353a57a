"""SPARQL query results and their serialisations.

:class:`Results` holds what a ``SELECT`` or ``ASK`` query returned, as rdflib terms.
It is written out in the four W3C formats and as a table for people:

* ``csv`` and ``tsv``: *SPARQL 1.1 Query Results CSV and TSV Formats*
  (https://www.w3.org/TR/sparql11-results-csv-tsv/). CSV: a header of variable
  names, CRLF line ends, plain values (IRIs and lexical forms, blank nodes as
  ``_:label``), a field quoted only when it holds a double quote, a comma, CR or LF,
  with inner double quotes doubled. TSV: a header of ``?``-prefixed variables, LF line
  ends, every term in Turtle/SPARQL syntax (``<iri>``, ``"text"@lang``,
  ``"lexical"^^<datatype>``, ``_:label``); integers, decimals, doubles and booleans
  whose lexical form is valid Turtle shorthand are written bare. Unbound is an empty
  field in both. Neither format can hold an ``ASK`` answer.
* ``json``: *SPARQL 1.1 Query Results JSON Format*
  (https://www.w3.org/TR/sparql11-results-json/), media type
  ``application/sparql-results+json``: ``head.vars`` and ``results.bindings``, each
  term as ``{"type": "uri"|"literal"|"bnode", "value": ...}`` with ``xml:lang`` or
  ``datatype`` (left out for ``xsd:string``), ``{"head": {}, "boolean": ...}`` for
  ``ASK``. One binding per line, UTF-8.
* ``xml``: *SPARQL Query Results XML Format (Second Edition)*
  (https://www.w3.org/TR/rdf-sparql-XMLres/), namespace
  ``http://www.w3.org/2005/sparql-results#``.
* ``table``: aligned columns, each IRI shown by its label (or as a prefixed name with
  ``iris=True``); the characters a terminal would act on (ESC, CR, U+202E...) shown
  escaped, as ``\\x1b``, ``\\r``, ``\\u202e``. The other formats keep every character.

Blank nodes are relabelled ``b0``, ``b1``... in order of first appearance, so the
output depends only on the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.errors import InputError
from aiplus_kg.load.terms import TripleSource, label, term_text
from aiplus_kg.namespaces import XSD, curie
from aiplus_kg.query.tables import table
from aiplus_kg.views.terminal import printable

__all__ = [
    "FORMATS",
    "RESULTS_NAMESPACE",
    "Results",
    "serialize_results",
    "to_csv",
    "to_json",
    "to_table",
    "to_tsv",
    "to_xml",
]

RESULTS_NAMESPACE = "http://www.w3.org/2005/sparql-results#"

FORMATS: dict[str, str] = {
    "table": "aligned columns, labels instead of IRIs",
    "csv": "SPARQL 1.1 Query Results CSV",
    "tsv": "SPARQL 1.1 Query Results TSV",
    "json": "SPARQL 1.1 Query Results JSON (application/sparql-results+json)",
    "xml": "SPARQL Query Results XML (application/sparql-results+xml)",
}

Row = tuple[Node | None, ...]


@dataclass(frozen=True)
class Results:
    """The answer to a query: variables and rows (``SELECT``) or a boolean (``ASK``).

    ``ordered`` says whether the query fixed the order of the rows (``ORDER BY``);
    ``total`` is the number of rows before any ``limit`` was applied.
    """

    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    ordered: bool = False
    total: int | None = field(default=None, compare=False)

    @property
    def is_boolean(self) -> bool:
        return self.boolean is not None

    def limited(self, limit: int | None) -> Results:
        """The first ``limit`` rows (all of them when ``limit`` is ``None``)."""
        if limit is None or self.is_boolean or limit >= len(self.rows):
            return self
        return Results(self.variables, self.rows[:limit], None, self.ordered, total=len(self.rows))

    def bindings(self) -> Iterator[dict[str, Node]]:
        """Each row as a mapping from variable to term, unbound variables left out."""
        for row in self.rows:
            yield {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}


class _BlankLabels:
    """Stable blank-node labels: ``b0``, ``b1``... in order of first use."""

    def __init__(self) -> None:
        self._labels: dict[BNode, str] = {}

    def __call__(self, node: BNode) -> str:
        if node not in self._labels:
            self._labels[node] = f"b{len(self._labels)}"
        return self._labels[node]


def _is_plain_string(literal: Literal) -> bool:
    return literal.language is None and literal.datatype in (None, XSD.string)


# --- CSV -------------------------------------------------------------------

_CSV_SPECIAL = re.compile(r'[",\r\n]')


def _csv_field(text: str) -> str:
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_term(node: Node | None, blank: _BlankLabels) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{blank(node)}"
    return _csv_field(str(node))


def _no_boolean(results: Results, fmt: str) -> None:
    if results.is_boolean:
        raise InputError(f"an ASK answer has no {fmt.upper()} form; use json, xml or table")


def to_csv(results: Results) -> bytes:
    """The results in the W3C CSV format (UTF-8, CRLF line ends)."""
    _no_boolean(results, "csv")
    blank = _BlankLabels()
    lines = [",".join(_csv_field(v) for v in results.variables)]
    lines.extend(",".join(_csv_term(t, blank) for t in row) for row in results.rows)
    return "".join(f"{line}\r\n" for line in lines).encode("utf-8")


# --- TSV -------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+")
_SHORTHAND = {
    XSD.integer: _INTEGER,
    XSD.decimal: _DECIMAL,
    XSD.double: _DOUBLE,
    XSD.boolean: re.compile(r"true|false"),
}
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IRI_ESCAPES = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _turtle_string(text: str) -> str:
    return '"' + "".join(_STRING_ESCAPES.get(c, c) for c in text) + '"'


def _turtle_iri(iri: str) -> str:
    return "<" + _IRI_ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _tsv_term(node: Node | None, blank: _BlankLabels) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{blank(node)}"
    if isinstance(node, URIRef):
        return _turtle_iri(str(node))
    if isinstance(node, Literal):
        lexical = str(node)
        pattern = _SHORTHAND.get(node.datatype) if node.datatype else None
        if pattern is not None and pattern.fullmatch(lexical):
            return lexical
        text = _turtle_string(lexical)
        if node.language:
            return f"{text}@{node.language}"
        if _is_plain_string(node):
            return text
        return f"{text}^^{_turtle_iri(str(node.datatype))}"
    return _turtle_string(str(node))


def to_tsv(results: Results) -> bytes:
    """The results in the W3C TSV format (UTF-8, LF line ends)."""
    _no_boolean(results, "tsv")
    blank = _BlankLabels()
    lines = ["\t".join(f"?{v}" for v in results.variables)]
    lines.extend("\t".join(_tsv_term(t, blank) for t in row) for row in results.rows)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


# --- JSON ------------------------------------------------------------------


def _json_term(node: Node, blank: _BlankLabels) -> dict[str, str]:
    if isinstance(node, BNode):
        return {"type": "bnode", "value": blank(node)}
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif not _is_plain_string(node):
            term["datatype"] = str(node.datatype)
        return term
    raise InputError(f"cannot write {node!r} as a SPARQL result term")


_dump = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)``, without making an encoder per call (it
did so once per row)."""


def to_json(results: Results) -> bytes:
    """The results in the W3C JSON format, one binding per line."""
    if results.is_boolean:
        return f'{{\n  "head": {{}},\n  "boolean": {_dump(results.boolean)}\n}}\n'.encode()
    blank = _BlankLabels()
    rows = [
        _dump({v: _json_term(t, blank) for v, t in binding.items()})
        for binding in results.bindings()
    ]
    head = f'{{\n  "head": {{"vars": {_dump(list(results.variables))}}},\n'
    if not rows:
        return (head + '  "results": {"bindings": []}\n}\n').encode("utf-8")
    body = ",\n".join(f"    {row}" for row in rows)
    return (head + f'  "results": {{"bindings": [\n{body}\n  ]}}\n}}\n').encode("utf-8")


# --- XML -------------------------------------------------------------------

_XML_TEXT_ESCAPES = {"\r": "&#13;"}


def _xml_text(text: str) -> str:
    escaped = escape(text, _XML_TEXT_ESCAPES)
    # Leading and trailing white space as character references, so that a reader that
    # trims text content (pyoxigraph's does) still gets it.
    body = escaped.strip(" \t\n")
    if body == escaped:
        return escaped
    start = len(escaped) - len(escaped.lstrip(" \t\n"))
    end = len(escaped.rstrip(" \t\n"))
    head = "".join(f"&#{ord(c)};" for c in escaped[:start])
    tail = "".join(f"&#{ord(c)};" for c in escaped[end:]) if end > start else ""
    return head + escaped[start:end] + tail


def _xml_attr(text: str) -> str:
    return quoteattr(text, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _xml_term(node: Node, blank: _BlankLabels) -> str:
    if isinstance(node, BNode):
        return f"<bnode>{_xml_text(blank(node))}</bnode>"
    if isinstance(node, URIRef):
        return f"<uri>{_xml_text(str(node))}</uri>"
    if isinstance(node, Literal):
        attrs = ""
        if node.language:
            attrs = f" xml:lang={_xml_attr(node.language)}"
        elif not _is_plain_string(node):
            attrs = f" datatype={_xml_attr(str(node.datatype))}"
        return f"<literal{attrs}>{_xml_text(str(node))}</literal>"
    raise InputError(f"cannot write {node!r} as a SPARQL result term")


def to_xml(results: Results) -> bytes:
    """The results in the W3C XML format (UTF-8)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{RESULTS_NAMESPACE}">']
    if results.is_boolean:
        out.append("  <head/>")
        out.append(f"  <boolean>{'true' if results.boolean else 'false'}</boolean>")
    else:
        blank = _BlankLabels()
        out.append("  <head>")
        out.extend(f"    <variable name={_xml_attr(v)}/>" for v in results.variables)
        out.append("  </head>")
        out.append("  <results>")
        for binding in results.bindings():
            out.append("    <result>")
            out.extend(
                f"      <binding name={_xml_attr(v)}>{_xml_term(t, blank)}</binding>"
                for v, t in binding.items()
            )
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return ("\n".join(out) + "\n").encode("utf-8")


# --- table -----------------------------------------------------------------

ELLIPSIS = "…"


def _clip(text: str, width: int | None) -> str:
    text = " ".join(printable(text).split())  # CR shown as \r, other space runs one space
    if width is None or len(text) <= width:
        return text
    return text[: max(width - 1, 1)] + ELLIPSIS


def header_name(variable: str) -> str:
    """A column heading: a grlc parameter variable ``_chip_iri`` reads ``chip``."""
    if variable.startswith("_") and not variable.startswith("__"):
        name = variable[1:]
        if name.endswith("_iri"):
            return name[: -len("_iri")]
        return name.split("_xsd_", 1)[0]
    return variable


def _cell_text(
    node: Node | None, graph: TripleSource | None, iris: bool, blank: _BlankLabels
) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode) and (iris or graph is None or label(graph, node) is None):
        return f"_:{blank(node)}"
    if isinstance(node, URIRef) and (iris or graph is None):
        return curie(str(node))
    name = label(graph, node) if graph is not None else None
    return name if name is not None else term_text(node)


def to_table(
    results: Results,
    graph: TripleSource | None = None,
    *,
    iris: bool = False,
    width: int | None = 48,
    fixed: Mapping[str, Node] | None = None,
) -> str:
    """An aligned text table: IRIs by label (from ``graph``), or as prefixed names with
    ``iris``; cells cut to ``width`` characters; a last line counts the rows.

    ``fixed`` maps variables bound beforehand (query parameters) to their values: they
    are shown once, above the table, instead of in a column of identical cells.
    """
    if results.is_boolean:
        return ("yes" if results.boolean else "no") + "\n"
    blank = _BlankLabels()
    fixed = {v: t for v, t in (fixed or {}).items() if v in results.variables}
    title = "".join(
        f"{header_name(v)}: {printable(_cell_text(t, graph, iris, blank))}\n"
        for v, t in fixed.items()
    )
    cache: dict[Node, str] = {}

    def cell(node: Node | None) -> str:
        if node is None:
            return ""
        if node not in cache:
            cache[node] = _clip(_cell_text(node, graph, iris, blank), width)
        return cache[node]

    shown = [i for i, v in enumerate(results.variables) if v not in fixed]
    rows: Sequence[Sequence[str]] = [[cell(row[i]) for i in shown] for row in results.rows]
    headers = [header_name(results.variables[i]) for i in shown]
    text = title + (table(headers, rows) if headers else "")
    count = len(results.rows)
    noun = "row" if count == 1 else "rows"
    if results.total is not None and results.total > count:
        return text + f"({count} of {results.total} rows)\n"
    return text + f"({count} {noun})\n"


_WRITERS: dict[str, Callable[[Results], bytes]] = {
    "csv": to_csv,
    "tsv": to_tsv,
    "json": to_json,
    "xml": to_xml,
}


def serialize_results(
    results: Results,
    fmt: str,
    graph: TripleSource | None = None,
    *,
    iris: bool = False,
    fixed: Mapping[str, Node] | None = None,
) -> bytes:
    """``results`` in ``fmt`` (see :data:`FORMATS`) as bytes; ``graph``, ``iris`` and
    ``fixed`` only matter to the table (see :func:`to_table`)."""
    if fmt == "table":
        return to_table(results, graph, iris=iris, fixed=fixed).encode("utf-8")
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise InputError(
            f"unknown results format {fmt!r} (choose from {', '.join(FORMATS)})"
        ) from None
    return writer(results)
