"""The parameters of a saved query: found in its variables, given on the command line,
bound to RDF terms.

Parameters follow grlc's naming: a variable ``?_name_iri`` is an IRI parameter
``name``, ``?_name_xsd_TYPE`` a literal of datatype ``xsd:TYPE``, and ``?_name`` a plain
string. Each parameter variable must be projected by the ``SELECT``: that is how the
SPARQL 1.2 proposal SEP-0007 ("substitutions", which pyoxigraph implements) pre-binds a
variable, and it shows which value the rows are about. Values are bound as RDF terms,
never written into the query text. An IRI parameter accepts an IRI, a prefixed name or
a label (see :func:`aiplus_kg.load.resolve.resolve`), and an article also by its stem or
its number (``001``).

An IRI parameter may expect a class (the query's header says so: see
:mod:`aiplus_kg.query.catalogue`): a value that is not an instance of it, or of one of
its subclasses, is refused, naming what the value is and the entities of the class
closest to it (those whose labels share words with it), rather than giving no rows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.resolve import normalize_label, resolve
from aiplus_kg.load.store import dataset_graphs
from aiplus_kg.load.terms import (
    LABEL_PROPERTIES,
    NOT_IN_IRI,
    TripleSource,
    label,
    shown_text,
    term_text,
    text_problem,
)
from aiplus_kg.load.turtle import quiet_rdflib_terms
from aiplus_kg.namespaces import ARTICLE_STEM, RDF, RDFS, SRC, XSD, article_stem, curie

if TYPE_CHECKING:
    from aiplus_kg.load.store import Store

__all__ = [
    "LITERAL_DATATYPES",
    "Parameter",
    "Parametrised",
    "bind_parameters",
    "check_class",
    "find_parameters",
    "parse_assignments",
    "parse_parameter",
]

_PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")

LITERAL_DATATYPES = frozenset(
    XSD[name]
    for name in [
        "string",
        "boolean",
        "decimal",
        "integer",
        "double",
        "float",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "anyURI",
        "nonNegativeInteger",
        "positiveInteger",
    ]
)
"""The datatypes a ``?_name_xsd_TYPE`` parameter may have."""

_TZ = r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_LEXICAL = {
    # datatypes whose lexical form rdflib does not check
    XSD.gYear: re.compile(rf"-?\d{{4,}}{_TZ}"),
    XSD.gYearMonth: re.compile(rf"-?\d{{4,}}-(?:0[1-9]|1[0-2]){_TZ}"),
}


@dataclass(frozen=True)
class Parameter:
    """A grlc parameter: ``?_chip_iri`` is the IRI parameter ``chip``."""

    name: str
    variable: str
    kind: str  # "iri" or "literal"
    datatype: URIRef | None = None
    default: str | None = None
    class_iri: URIRef | None = None
    """The class an IRI parameter's value must belong to, if the query says."""

    @property
    def type_text(self) -> str:
        if self.kind == "iri":
            return f"IRI of {curie(str(self.class_iri))}" if self.class_iri else "IRI"
        return f"xsd:{str(self.datatype).rpartition('#')[2]}" if self.datatype else "string"


class Parametrised(Protocol):
    """A query with parameters (a :class:`~aiplus_kg.query.catalogue.SavedQuery`)."""

    @property
    def name(self) -> str: ...

    @property
    def parameters(self) -> tuple[Parameter, ...]: ...


def parse_parameter(variable: str) -> Parameter | None:
    """The parameter a variable name stands for, or ``None`` for an ordinary variable.

    ``_chip_iri`` -> IRI parameter ``chip``; ``_year_xsd_gYear`` -> literal of
    datatype ``xsd:gYear``; ``_text`` -> plain string. rdflib's own variables
    (``__agg_1__``) are ordinary.
    """
    if not variable.startswith("_") or variable.startswith("__"):
        return None
    body = variable[1:]
    if body.endswith("_iri") and len(body) > len("_iri"):
        return Parameter(body[: -len("_iri")], variable, "iri")
    if "_xsd_" in body:
        name, _, local = body.partition("_xsd_")
        return Parameter(name, variable, "literal", URIRef(str(XSD) + local))
    return Parameter(body, variable, "literal", None)


def find_parameters(
    mentioned: Collection[str],
    projected: Sequence[str],
    defaults: Sequence[tuple[str, str, int]],
    display: str,
) -> tuple[Parameter, ...]:
    """The parameters among the ``mentioned`` variables of a query, in the order of the
    ``projected`` ones, with their ``defaults`` ((name, value, line) of its header).
    A malformed parameter, or a default for no parameter, is an :class:`InputError`
    located in ``display``."""
    found: dict[str, Parameter] = {}
    for variable in sorted(mentioned):
        if variable.startswith("__") and not variable.endswith("__"):
            raise InputError(
                located(display, f"optional parameters (?{variable}) are not supported")
            )
        param = parse_parameter(variable)
        if param is None:
            continue
        if not _PARAM_NAME.fullmatch(param.name):
            raise InputError(located(display, f"bad parameter variable ?{variable}"))
        if param.datatype is not None and param.datatype not in LITERAL_DATATYPES:
            raise InputError(located(display, f"unsupported datatype for parameter ?{variable}"))
        if param.name in found:
            raise InputError(
                located(display, f"parameter {param.name!r} has two variables (?{variable})")
            )
        if variable not in projected:
            raise InputError(
                located(display, f"parameter variable ?{variable} must be in the SELECT clause")
            )
        found[param.name] = param
    values = {name: value for name, value, _ in defaults}
    for name, _value, line in defaults:
        if name not in found:
            known = ", ".join(found) or "none"
            message = f"default for unknown parameter {name!r} (parameters: {known})"
            raise InputError(located(display, message, line))
    ordered = sorted(found.values(), key=lambda p: projected.index(p.variable))
    return tuple(replace(p, default=values.get(p.name)) for p in ordered)


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``["chip=Ascend 910B", ...]`` -> ``{"chip": "Ascend 910B"}``; a malformed or
    repeated item, or one that is not text (a byte that is not UTF-8), is an
    :class:`InputError` naming the parameter."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param takes NAME=VALUE, got '{shown_text(item)}'")
        why = text_problem(name)
        if why is not None:
            raise InputError(f"--param '{shown_text(name)}': the name is not text: {why}")
        why = text_problem(value)
        if why is not None:
            raise InputError(f"--param {name}: the value is not text: {why}")
        if name in values:
            raise InputError(f"parameter {name!r} given twice")
        values[name] = value
    return values


def bind_parameters(
    source: Dataset | Store, query: Parametrised, given: Mapping[str, str] | None = None
) -> dict[str, Node]:
    """The RDF term of each parameter of ``query``: from ``given`` (name -> text), else
    from the query's defaults; labels are resolved in ``source``, articles among its
    named graphs. Raises :class:`InputError` naming the parameter for an unknown
    parameter name, a missing value, a value that is not text or names nothing."""
    parameters = query.parameters
    by_name = {p.name: p for p in parameters} | {p.variable: p for p in parameters}
    values: dict[str, str] = {}
    for key, value in (given or {}).items():
        param = by_name.get(key)
        if param is None:
            known = ", ".join(p.name for p in parameters) or "none"
            shown = shown_text(key)
            raise InputError(f"unknown parameter '{shown}' for {query.name} (parameters: {known})")
        why = text_problem(value)
        if why is not None:
            raise InputError(f"parameter {param.name!r} of {query.name}: not text: {why}")
        values[param.name] = value
    bound: dict[str, Node] = {}
    for param in parameters:
        text = values.get(param.name, param.default)
        if text is None:
            raise InputError(f"{query.name} needs a value for parameter {param.name!r}")
        bound[param.variable] = _bind_one(source, param, text, query.name)
    return bound


def _bind_one(source: Dataset | Store, param: Parameter, value: str, name: str) -> Node:
    if param.kind == "iri":
        iri = _article_iri(source, value.strip())
        try:
            if iri is None:
                iri = resolve(source, value)
            if param.class_iri is not None:
                check_class(source, iri, param.class_iri, value)
        except InputError as exc:
            raise InputError(f"parameter {param.name!r} of {name}: {exc}") from None
        return iri
    literal = _typed_literal(value, param.datatype)
    if literal is None:
        raise InputError(
            f"parameter {param.name!r} of {name}: '{shown_text(value)}' is not a valid "
            f"{param.type_text}"
        )
    return literal


def _article_iri(source: Dataset | Store, text: str) -> URIRef | None:
    """An article graph of ``source`` named by its stem (``001-c4f...``), number
    (``001``) or source file name (see :func:`~aiplus_kg.namespaces.article_stem`)."""
    name = text.removeprefix("src:")
    if ":" in name or NOT_IN_IRI.search(text):  # an IRI, a prefixed name, a label
        return None
    if name != text and ARTICLE_STEM.fullmatch(name):  # src:<stem>: resolved as it is
        return None
    graphs = dataset_graphs(source)
    stems = [str(g)[len(str(SRC)) :] for g in graphs if str(g).startswith(str(SRC))]
    stem = article_stem(text, sorted(stems))
    return None if stem is None else SRC[stem]


def _typed_literal(value: str, datatype: URIRef | None) -> Literal | None:
    """``value`` as a literal of ``datatype``, or ``None`` if it is not a valid one."""
    with quiet_rdflib_terms():
        literal = Literal(value, datatype=datatype)
        if literal.ill_typed:
            return None
    pattern = _LEXICAL.get(datatype) if datatype is not None else None
    if pattern is not None and not pattern.fullmatch(value):
        return None
    return literal


# --- the class a parameter expects ---------------------------------------------------

_STOP_WORDS = frozenset(
    re.split(r"\s+", "a an and at by de des du et for from in l la le les of on the to un une")
)
"""Words that say nothing of what an entity is (English and French)."""
_CLOSE = 5
"""Entities of the right class a refusal names, at most."""


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", normalize_label(text)) if w not in _STOP_WORDS}


def _with_subclasses(source: TripleSource, cls: URIRef) -> set[Node]:
    """``cls`` and every class below it along ``rdfs:subClassOf``."""
    below: dict[Node, set[Node]] = {}
    for sub, sup in source.subject_objects(RDFS.subClassOf):
        below.setdefault(sup, set()).add(sub)
    found: set[Node] = {cls}
    stack: list[Node] = [cls]
    while stack:
        for sub in below.get(stack.pop(), ()):
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def _labels(source: TripleSource, node: Node) -> list[str]:
    return [str(v) for p in LABEL_PROPERTIES for v in source.objects(node, p)]


def _named(source: TripleSource, node: Node) -> str:
    """``id:x (label)``, or the term alone when it has no label."""
    name = label(source, node)
    return f"{term_text(node)} ({name})" if name else term_text(node)


def _a(source: TripleSource, cls: Node) -> str:
    """``a chip (aip:Chip)``, ``an AI model (aip:AIModel)``."""
    name = label(source, cls)
    if not name:
        return f"a {term_text(cls)}"
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name} ({term_text(cls)})"


def _closest(
    source: TripleSource, members: Iterable[Node], text: str, iri: Node
) -> tuple[list[Node], bool]:
    """The ``members`` closest to what was given (``text``, naming ``iri``): those whose
    labels share the most words with it (or with the labels of ``iri``), else those
    whose labels are most alike, best first; and whether any was close."""
    given = _words(text) | {w for name in _labels(source, iri) for w in _words(name)}
    names = {m: _labels(source, m) for m in members if m != iri}
    scored = []
    for member, labels in names.items():
        shared = max((len(given & _words(name)) for name in labels), default=0)
        if shared:
            scored.append((-shared, label(source, member) or str(member), member))
    if scored:
        best = min(shared for shared, _, _ in scored)  # the most words shared
        kept = sorted((t for t in scored if t[0] == best), key=lambda t: (t[1], str(t[2])))
        return [m for _, _, m in kept], True
    by_name = {normalize_label(name): m for m, labels in names.items() for name in labels}
    alike = difflib.get_close_matches(normalize_label(text), list(by_name), n=_CLOSE, cutoff=0.6)
    if alike:
        return list(dict.fromkeys(by_name[name] for name in alike)), True
    return sorted(names, key=lambda m: ((label(source, m) or "").casefold(), str(m))), False


def check_class(source: TripleSource, iri: Node, cls: URIRef, text: str) -> None:
    """Refuse (:class:`InputError`) an ``iri`` (given as ``text``) that is not an
    instance of ``cls`` or of a subclass of it: the message says what it is, and names
    the entities of ``cls`` closest to ``text``."""
    classes = _with_subclasses(source, cls)
    types = set(source.objects(iri, RDF.type))
    if types & classes:
        return
    what = " and ".join(sorted(_a(source, t) for t in types)) or "which has no class"
    given = shown_text(text.strip())
    message = f"'{given}' is {_named(source, iri)}, {what}, not {_a(source, cls)}"
    members = {s for s, t in source.subject_objects(RDF.type) if t in classes}
    close, alike = _closest(source, members, text, iri)
    if close:
        listed = "; ".join(_named(source, m) for m in close[:_CLOSE])
        if alike:
            message += f"; closest of class {term_text(cls)}: {listed}"
        else:
            message += f"; of class {term_text(cls)}: {listed}"
            if len(close) > _CLOSE:
                message += f"... ({len(close)} in all)"
    else:
        message += f"; the graph has no entity of class {term_text(cls)}"
    raise InputError(message)
