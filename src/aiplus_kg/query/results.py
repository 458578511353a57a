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
  ``iris=True``), numbers with thousands separators; sized to a width when given
  (cells wrapped, or cut with ``…``); the characters a terminal would act on (ESC, CR,
  U+202E...) shown escaped, as ``\\x1b``, ``\\r``, ``\\u202e``. The other formats keep
  every character and every digit as the data has it.

In every format, ``labels=True`` adds a label column after each column of IRIs, as the
Wikidata Query Service's label service does (``?chip``, then ``?chipLabel``): see
:func:`with_labels`.

Blank nodes are relabelled ``b0``, ``b1``... in order of first appearance, so the
output depends only on the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.errors import InputError
from aiplus_kg.load.terms import TripleSource, label_values, term_text
from aiplus_kg.namespaces import XSD, curie
from aiplus_kg.query.tables import table
from aiplus_kg.views.terminal import printable

__all__ = [
    "FORMATS",
    "RESULTS_NAMESPACE",
    "Results",
    "best_label",
    "header_name",
    "label_variable",
    "local_name",
    "serialize_results",
    "to_csv",
    "to_json",
    "to_table",
    "to_tsv",
    "to_xml",
    "with_labels",
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

    def without(self, variables: Iterable[str]) -> Results:
        """These results without the columns of ``variables`` (such as a saved query's
        parameters, whose value every row repeats)."""
        dropped = set(variables) & set(self.variables)
        if not dropped or self.is_boolean:
            return self
        kept = [i for i, v in enumerate(self.variables) if v not in dropped]
        return Results(
            tuple(self.variables[i] for i in kept),
            tuple(tuple(row[i] for i in kept) for row in self.rows),
            None,
            self.ordered,
            total=self.total,
        )

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


# --- labels ----------------------------------------------------------------


def best_label(graph: TripleSource, node: Node, lang: str = "en") -> Literal | None:
    """The label of ``node`` in ``lang`` (``zh`` also takes ``zh-Hans``), else in English,
    untagged, French, then any other language; ``None`` when it has none. Labels are
    the values of the first of :data:`~aiplus_kg.load.terms.LABEL_PROPERTIES` it has."""
    found = label_values(graph, node)
    if not found:
        return None
    wanted = lang.lower()
    primary = wanted.partition("-")[0]

    def rank(value: Literal) -> tuple[int, str, str]:
        tag = (value.language or "").lower()
        if tag == wanted:
            order = 0
        elif tag.partition("-")[0] == primary:
            order = 1
        elif tag.partition("-")[0] == "en":
            order = 2
        elif not tag:
            order = 3
        elif tag.partition("-")[0] == "fr":
            order = 4
        else:
            order = 5
        return order, tag, str(value)

    return min(found, key=rank)


def local_name(iri: str) -> str:
    """The last part of ``iri``: after its last ``#``, else ``/``, else ``:``."""
    for mark in ("#", "/", ":"):
        _, sep, tail = iri.rstrip("/#").rpartition(mark)
        if sep and tail:
            return tail
    return iri


def label_variable(variable: str) -> str:
    """The name of the label column of ``variable``: ``chip`` -> ``chipLabel``."""
    return f"{variable}Label"


def with_labels(results: Results, graph: TripleSource | None, lang: str = "en") -> Results:
    """``results`` with a label column after each column holding an IRI, as the
    Wikidata Query Service's label service adds them: ``?chip`` gets ``?chipLabel``,
    the label in ``lang`` (see :func:`best_label`) as a literal with its language tag,
    else the IRI's local name. A blank node gets its label if it has one. A column the
    query already has under that name is left as it is."""
    if results.is_boolean:
        return results
    variables = results.variables
    labelled = [
        i
        for i, v in enumerate(variables)
        if label_variable(v) not in variables
        and any(isinstance(row[i], URIRef) for row in results.rows)
    ]
    if not labelled:
        return results
    found: dict[Node, Literal | None] = {}

    def label_of(node: Node | None) -> Literal | None:
        if not isinstance(node, URIRef | BNode):
            return None
        if node not in found:
            named = best_label(graph, node, lang) if graph is not None else None
            if named is None and isinstance(node, URIRef):
                named = Literal(local_name(str(node)))
            found[node] = named
        return found[node]

    order: list[tuple[int, bool]] = []  # (column, whether it is the label of the column)
    for i in range(len(variables)):
        order.append((i, False))
        if i in labelled:
            order.append((i, True))
    names = tuple(label_variable(variables[i]) if lab else variables[i] for i, lab in order)
    rows = tuple(
        tuple(label_of(row[i]) if lab else row[i] for i, lab in order) for row in results.rows
    )
    return Results(names, rows, None, results.ordered, total=results.total)


# --- table -----------------------------------------------------------------

_NUMERIC_TYPES = frozenset(
    XSD[name]
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_PLAIN_NUMBER = re.compile(r"([+-]?)([0-9]+)((?:\.[0-9]*)?)")


def _is_number(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.datatype in _NUMERIC_TYPES


def _number_text(lexical: str) -> str:
    """A number's lexical form with thousands separators (``1234567.50`` ->
    ``1,234,567.50``); a form with an exponent, or not a number, as it is."""
    match = _PLAIN_NUMBER.fullmatch(lexical.strip())
    if match is None:
        return lexical
    sign, whole, fraction = match.groups()
    return f"{sign}{int(whole):,}{fraction}"


def _one_line(text: str) -> str:
    """CR shown as ``\\r``, other runs of white space one space."""
    return " ".join(printable(text).split())


def header_name(variable: str) -> str:
    """A column heading: a grlc parameter variable ``_chip_iri`` reads ``chip``."""
    if variable.startswith("_") and not variable.startswith("__"):
        name = variable[1:]
        if name.endswith("_iri"):
            return name[: -len("_iri")]
        return name.split("_xsd_", 1)[0]
    return variable


def _cell_text(
    node: Node | None,
    graph: TripleSource | None,
    iris: bool,
    blank: _BlankLabels,
    lang: str = "en",
) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return _number_text(str(node)) if _is_number(node) else str(node)
    if isinstance(node, BNode) and (iris or graph is None or best_label(graph, node) is None):
        return f"_:{blank(node)}"
    if isinstance(node, URIRef) and (iris or graph is None):
        return curie(str(node))
    name = best_label(graph, node, lang) if graph is not None else None
    return str(name) if name is not None else term_text(node)


def to_table(
    results: Results,
    graph: TripleSource | None = None,
    *,
    iris: bool = False,
    labels: bool = False,
    lang: str = "en",
    width: int | None = None,
    truncate: bool = False,
    fixed: Mapping[str, Node] | None = None,
) -> str:
    """An aligned text table: IRIs by their label in ``lang`` (from ``graph``), or as
    prefixed names with ``iris``; with ``labels``, as prefixed names each followed by a
    column of labels (see :func:`with_labels`). Numbers have thousands separators and
    are right-aligned; a last line counts the rows. With ``width``, the table is made to
    fit it, its cells wrapped, or cut with ``…`` when ``truncate`` (see
    :func:`~aiplus_kg.query.tables.table`).

    ``fixed`` maps variables bound beforehand (query parameters) to their values: they
    are shown once, above the table, instead of in a column of identical cells (with
    ``labels``, as ``id:x (label)``).
    """
    if results.is_boolean:
        return ("yes" if results.boolean else "no") + "\n"
    blank = _BlankLabels()
    fixed = dict(fixed or {})
    if labels:
        iris = True
        results = with_labels(results.without(fixed), graph, lang)

    def title_text(node: Node) -> str:
        text = _cell_text(node, graph, iris, blank, lang)
        named = best_label(graph, node, lang) if labels and graph is not None else None
        return f"{text} ({named})" if named is not None else text

    title = "".join(f"{header_name(v)}: {_one_line(title_text(t))}\n" for v, t in fixed.items())
    cache: dict[Node, str] = {}

    def cell(node: Node | None) -> str:
        if node is None:
            return ""
        if node not in cache:
            cache[node] = _one_line(_cell_text(node, graph, iris, blank, lang))
        return cache[node]

    shown = [i for i, v in enumerate(results.variables) if v not in fixed]
    rows: Sequence[Sequence[str]] = [[cell(row[i]) for i in shown] for row in results.rows]
    headers = [header_name(results.variables[i]) for i in shown]
    right = [
        any(row[i] is not None for row in results.rows)
        and all(row[i] is None or _is_number(row[i]) for row in results.rows)
        for i in shown
    ]
    text = title
    if headers:
        text += table(headers, rows, width=width, truncate=truncate, right=right)
    count = len(results.rows)
    noun = "row" if count == 1 else "rows"
    if results.total is not None and results.total > count:
        return text + f"({count:,} of {results.total:,} rows)\n"
    return text + f"({count:,} {noun})\n"


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
    labels: bool = False,
    lang: str = "en",
    fixed: Mapping[str, Node] | None = None,
    width: int | None = None,
    truncate: bool = False,
) -> bytes:
    """``results`` in ``fmt`` (see :data:`FORMATS`) as bytes.

    ``fixed`` variables (a saved query's parameters) are shown above the table and left
    out of the other formats. With ``labels``, each column holding IRIs is followed by a
    column of their labels in ``lang``, looked up in ``graph`` (see :func:`with_labels`).
    ``iris``, ``width`` and ``truncate`` only matter to the table (see :func:`to_table`).
    """
    if fmt == "table":
        return to_table(
            results,
            graph,
            iris=iris,
            labels=labels,
            lang=lang,
            width=width,
            truncate=truncate,
            fixed=fixed,
        ).encode("utf-8")
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise InputError(
            f"unknown results format {fmt!r} (choose from {', '.join(FORMATS)})"
        ) from None
    results = results.without(fixed or ())
    if labels:
        results = with_labels(results, graph, lang)
    return writer(results)
