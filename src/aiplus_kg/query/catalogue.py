"""Saved SPARQL queries: the catalogue under ``queries/``, their parameters, running them.

Each ``queries/<name>.rq`` (``name`` in kebab-case) opens with a grlc-style header,
lines starting with ``#+`` in a small YAML subset::

    #+ summary: One line saying what the query answers
    #+ description: A longer text; continuation lines are indented
    #+   further and folded into one line.
    #+ tags:
    #+   - chips
    #+ defaults:
    #+   - chip: id:ascend-910b

Keys are ``summary`` and ``description`` (text), ``tags`` (a list of words) and
``defaults`` (a list of ``name: value`` pairs). Values may be quoted with ``"`` or
``'``. Anything else is an error naming the file and the line.

Parameters follow grlc's naming: a variable ``?_name_iri`` is an IRI parameter
``name``, ``?_name_xsd_TYPE`` a literal of datatype ``xsd:TYPE``, and ``?_name`` a
plain string. Each parameter variable must be projected by the ``SELECT``: that is
how the SPARQL 1.2 proposal SEP-0007 ("substitutions", which pyoxigraph implements)
pre-binds a variable, and it shows which value the rows are about. Values are bound
as RDF terms (rdflib's ``initBindings``), never written into the query text. An IRI
parameter accepts an IRI, a prefixed name or a label (see
:func:`aiplus_kg.load.resolve.resolve`), and an article also by its stem or its number
(``001``).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Literal, URIRef, Variable
from rdflib.term import Node

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.resolve import resolve
from aiplus_kg.load.terms import DEFAULT_GRAPH_ID
from aiplus_kg.namespaces import PREFIXES, SRC, XSD
from aiplus_kg.project import Project, display_path
from aiplus_kg.query.results import Results

if TYPE_CHECKING:  # the SPARQL parser is imported when a query is parsed, not before
    from aiplus_kg.project import Project
    from aiplus_kg.query.guard import PreparedQuery


def prepare(*args: Any, **kwargs: Any) -> PreparedQuery:
    """:func:`aiplus_kg.query.guard.prepare`, imported on first use."""
    from aiplus_kg.query.guard import prepare as guarded

    return guarded(*args, **kwargs)


def check_graphs(prepared: PreparedQuery, allowed: Any) -> None:
    """:func:`aiplus_kg.query.guard.check_graphs`, imported on first use."""
    from aiplus_kg.query.guard import check_graphs as guarded

    guarded(prepared, allowed)


__all__ = [
    "HEADER_KEYS",
    "LITERAL_DATATYPES",
    "CheckedQuery",
    "Header",
    "Parameter",
    "QueryRun",
    "SavedQuery",
    "bind_parameters",
    "catalogue_dict",
    "dataset_graphs",
    "find_query",
    "load_catalogue",
    "load_named",
    "load_query",
    "parse_assignments",
    "parse_header",
    "parse_parameter",
    "parsed",
    "render_catalogue",
    "run_bound",
    "run_prepared",
    "run_project_query",
    "run_saved",
    "run_text",
]

HEADER_KEYS = ("summary", "description", "tags", "defaults")
TEXT_KEYS = ("summary", "description")
NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
_HEADER_LINE = re.compile(r"#\+(?P<rest>.*)")
_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:\s+(?P<value>.*))?")


@dataclass(frozen=True)
class Header:
    """The ``#+`` header of a saved query."""

    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str, int], ...] = ()  # (name, value, line)


@dataclass(frozen=True)
class Parameter:
    """A grlc parameter: ``?_chip_iri`` is the IRI parameter ``chip``."""

    name: str
    variable: str
    kind: str  # "iri" or "literal"
    datatype: URIRef | None = None
    default: str | None = None

    @property
    def type_text(self) -> str:
        if self.kind == "iri":
            return "IRI"
        return f"xsd:{str(self.datatype).rpartition('#')[2]}" if self.datatype else "string"


@dataclass(frozen=True)
class SavedQuery:
    """One ``queries/<name>.rq`` file, parsed and checked."""

    name: str
    path: Path
    display: str
    text: str
    header: Header
    parameters: tuple[Parameter, ...]
    prepared: PreparedQuery

    @property
    def summary(self) -> str:
        return self.header.summary

    @property
    def description(self) -> str:
        return self.header.description

    @property
    def tags(self) -> tuple[str, ...]:
        return self.header.tags

    def parameter(self, name: str) -> Parameter | None:
        for param in self.parameters:
            if name in (param.name, param.variable):
                return param
        return None


# --- the header ------------------------------------------------------------


def _unquote(value: str, display: str, line: int) -> tuple[str, bool]:
    """A scalar without its quotes, and whether it was quoted."""
    value = value.strip()
    if value[:1] in ('"', "'"):
        quote = value[0]
        if len(value) < 2 or value[-1] != quote:
            raise InputError(located(display, f"unterminated {quote}-quoted value", line))
        inner = value[1:-1]
        if quote == "'":
            return inner.replace("''", "'"), True
        return inner.replace('\\"', '"').replace("\\\\", "\\"), True
    if value.startswith(("[", "{", "|", ">", "&", "*", "!", "#")):
        raise InputError(located(display, f"unsupported YAML in query header: {value!r}", line))
    return value, False


class _HeaderParser:
    """Reads the ``#+`` lines one at a time (see :func:`parse_header`)."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.scalars: dict[str, str] = {}
        self.lists: dict[str, list[tuple[str, str, int]]] = {}
        self.current: str | None = None  # the key the indented lines belong to
        self.folding: str | None = None  # the plain text value continuation lines extend

    def error(self, message: str, line: int) -> InputError:
        return InputError(located(self.display, message, line))

    def key_line(self, body: str, number: int) -> None:
        match = _KEY_LINE.fullmatch(body)
        if match is None:
            raise self.error(f"expected 'key: value', got {body!r}", number)
        key, value = match.group("key"), match.group("value")
        if key not in HEADER_KEYS:
            raise self.error(
                f"unknown header key {key!r} (known: {', '.join(HEADER_KEYS)})", number
            )
        if key in self.scalars or key in self.lists:
            raise self.error(f"header key {key!r} given twice", number)
        self.current, self.folding = key, None
        if key in TEXT_KEYS:
            text, quoted = _unquote(value, self.display, number) if value else ("", False)
            self.scalars[key] = text
            self.folding = None if quoted else key
        elif value and value.strip() != "[]":
            raise self.error(f"{key!r} takes a list of '- item' lines", number)
        else:
            self.lists[key] = []

    def indented_line(self, body: str, number: int) -> None:
        if self.current is None:
            raise self.error("indented line before any key", number)
        if body == "-" or body.startswith("- "):
            self.list_item(body[1:].strip(), number)
        elif self.folding is not None:  # a plain text value folded over several lines
            self.scalars[self.folding] = f"{self.scalars[self.folding]} {body}".strip()
        else:
            raise self.error(f"unexpected indented line {body!r}", number)

    def list_item(self, item: str, number: int) -> None:
        key = self.current
        if key not in self.lists:
            raise self.error(f"{key!r} does not take a list", number)
        if not item:
            raise self.error("empty list item", number)
        if key == "tags":
            self.lists[key].append((_unquote(item, self.display, number)[0], "", number))
            return
        pair = _KEY_LINE.fullmatch(item)
        if pair is None or not pair.group("value"):
            raise self.error(f"expected '- name: value' in {key}, got {item!r}", number)
        name = pair.group("key")
        if any(name == seen for seen, _, _ in self.lists[key]):
            raise self.error(f"default for {name!r} given twice", number)
        value = _unquote(pair.group("value"), self.display, number)[0]
        self.lists[key].append((name, value, number))

    def header(self) -> Header:
        return Header(
            summary=self.scalars.get("summary", ""),
            description=self.scalars.get("description", ""),
            tags=tuple(tag for tag, _, _ in self.lists.get("tags", [])),
            defaults=tuple(self.lists.get("defaults", [])),
        )


def parse_header(text: str, display: str = "<query>") -> Header:
    """Parse the ``#+`` lines that open ``text`` (see the module docstring).

    Errors are :class:`InputError` located at ``display:line``.
    """
    parser = _HeaderParser(display)
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _HEADER_LINE.match(raw)
        if match is None:
            break
        rest = match.group("rest").rstrip()
        if not rest.strip():
            parser.folding = None
            continue
        if not rest.startswith(" "):
            raise parser.error("a space must follow '#+'", number)
        body = rest[1:]
        if body.startswith(" "):
            parser.indented_line(body.strip(), number)
        else:
            parser.key_line(body, number)
    return parser.header()


# --- parameters ------------------------------------------------------------


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


def _check_parameters(
    prepared: PreparedQuery, header: Header, display: str
) -> tuple[Parameter, ...]:
    found: dict[str, Parameter] = {}
    for variable in sorted(prepared.mentioned):
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
        if variable not in prepared.variables:
            raise InputError(
                located(display, f"parameter variable ?{variable} must be in the SELECT clause")
            )
        found[param.name] = param
    defaults = {name: (value, line) for name, value, line in header.defaults}
    for name, (_value, line) in defaults.items():
        if name not in found:
            known = ", ".join(found) or "none"
            message = f"default for unknown parameter {name!r} (parameters: {known})"
            raise InputError(located(display, message, line))
    ordered = sorted(found.values(), key=lambda p: prepared.variables.index(p.variable))
    return tuple(
        Parameter(p.name, p.variable, p.kind, p.datatype, defaults.get(p.name, (None, 0))[0])
        for p in ordered
    )


def dataset_graphs(dataset: Dataset) -> frozenset[URIRef]:
    """The IRIs of the non-empty named graphs of ``dataset`` (an rdflib dataset, or the
    fast engine's view of a store, whose graphs are read once and kept with it)."""
    from aiplus_kg.store_index import as_view, store_graphs

    view = as_view(dataset)
    if view is not None:
        return store_graphs(view)
    return frozenset(
        URIRef(str(g.identifier))
        for g in dataset.graphs()
        if g.identifier != DEFAULT_GRAPH_ID and len(g) > 0
    )


@dataclass(frozen=True)
class CheckedQuery:
    """What the checks of a saved query found (the fields of
    :class:`aiplus_kg.query.guard.PreparedQuery` but the parsed query), read back from
    the cache: the query is parsed again only if rdflib has to run it."""

    query: None
    form: str
    variables: tuple[str, ...]
    mentioned: frozenset[str]
    ordered: bool
    dataset_clause: tuple[tuple[str, URIRef], ...] = ()
    display: str = "<query>"


def _query_record(query: SavedQuery) -> dict[str, object]:
    prepared = query.prepared
    return {
        "header": {
            "summary": query.header.summary,
            "description": query.header.description,
            "tags": list(query.header.tags),
            "defaults": [list(item) for item in query.header.defaults],
        },
        "parameters": [
            [p.name, p.variable, p.kind, str(p.datatype) if p.datatype else None, p.default]
            for p in query.parameters
        ],
        "form": prepared.form,
        "variables": list(prepared.variables),
        "mentioned": sorted(prepared.mentioned),
        "ordered": prepared.ordered,
        "dataset_clause": [[kind, str(iri)] for kind, iri in prepared.dataset_clause],
    }


def _query_from_record(
    record: Mapping[str, Any], path: Path, display: str, text: str
) -> SavedQuery:
    head = record["header"]
    header = Header(
        summary=head["summary"],
        description=head["description"],
        tags=tuple(head["tags"]),
        defaults=tuple((n, v, int(line)) for n, v, line in head["defaults"]),
    )
    parameters = tuple(
        Parameter(name, variable, kind, URIRef(datatype) if datatype else None, default)
        for name, variable, kind, datatype, default in record["parameters"]
    )
    prepared = CheckedQuery(
        query=None,
        form=record["form"],
        variables=tuple(record["variables"]),
        mentioned=frozenset(record["mentioned"]),
        ordered=bool(record["ordered"]),
        dataset_clause=tuple((kind, URIRef(iri)) for kind, iri in record["dataset_clause"]),
        display=display,
    )
    return SavedQuery(path.stem, path, display, text, header, parameters, prepared)  # type: ignore[arg-type]


def _load_query_cached(path: Path, project: Project) -> SavedQuery:
    """:func:`load_query`, its checks read back from the cache when the file is unchanged."""
    from aiplus_kg.load.cache import cache_for, digest

    cache = cache_for(project.root, project.origin)
    if cache is None:
        return load_query(path, root=project.root)
    key = digest([path], root=project.root, salt="saved query")
    record = cache.read_json("queries", key)
    if record is not None:
        try:
            text = path.read_text(encoding="utf-8")
            return _query_from_record(record, path, display_path(path, project.root), text)
        except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError):
            pass
    query = load_query(path, root=project.root)
    cache.write_json("queries", key, _query_record(query))
    return query


def parsed(query: SavedQuery) -> SavedQuery:
    """``query`` with its rdflib parse (a query read back from the cache has none)."""
    if query.prepared.query is not None:
        return query
    prepared = prepare(query.text, None, display=query.display)
    return SavedQuery(
        query.name, query.path, query.display, query.text, query.header, query.parameters, prepared
    )


# --- the catalogue ---------------------------------------------------------


def load_query(path: Path, *, root: Path | None = None) -> SavedQuery:
    """Read, parse and check one saved query."""
    display = display_path(path, root)
    name = path.stem
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(located(display, f"query name {name!r} is not kebab-case"))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(located(display, f"cannot read: {exc}")) from None
    header = parse_header(text, display)
    if not header.summary:
        raise InputError(located(display, "the header has no summary", 1))
    # Saved queries declare their own prefixes, so that any engine runs them as they are;
    # the graph check happens when they run, against the dataset at hand.
    prepared = prepare(text, None, display=display)
    parameters = _check_parameters(prepared, header, display)
    return SavedQuery(name, path, display, text, header, parameters, prepared)


def load_catalogue(source: Project | Path) -> list[SavedQuery]:
    """Every saved query of a project (``queries/*.rq``) or folder, sorted by name."""
    if isinstance(source, Project):
        folder, root = source.queries_dir, source.root
    else:
        folder, root = Path(source), None
    if not folder.is_dir():
        return []
    queries = [load_query(path, root=root) for path in sorted(folder.glob("*.rq"))]
    return sorted(queries, key=lambda q: q.name)


def _unknown_query(name: str, names: Sequence[str]) -> InputError:
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    close += [n for n in names if name and name in n and n not in close]
    if close:
        hint = f"did you mean: {', '.join(close[:5])}?"
    else:
        hint = "run 'aiplus queries' for the list"
    return InputError(f"unknown query {name!r}; {hint}")


def find_query(catalogue: Sequence[SavedQuery], name: str) -> SavedQuery:
    """The query called ``name``; an unknown name lists the closest ones."""
    for query in catalogue:
        if query.name == name:
            return query
    raise _unknown_query(name, [q.name for q in catalogue])


def load_named(project: Project, name: str) -> SavedQuery:
    """Load only ``queries/<name>.rq`` of ``project``; an unknown name lists the
    closest ones."""
    folder = project.queries_dir
    names = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
    if name not in names:
        raise _unknown_query(name, names)
    return _load_query_cached(folder / f"{name}.rq", project)


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``["chip=Ascend 910B", ...]`` -> ``{"chip": "Ascend 910B"}``; a malformed or
    repeated item is an :class:`InputError`."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--param takes NAME=VALUE, got {item!r}")
        if name in values:
            raise InputError(f"parameter {name!r} given twice")
        values[name] = value
    return values


def render_catalogue(catalogue: Sequence[SavedQuery]) -> str:
    """The catalogue as text: each query's name and summary, then its parameters."""
    if not catalogue:
        return "no saved queries (queries/*.rq)\n"
    width = max(len(q.name) for q in catalogue)
    out: list[str] = []
    for query in catalogue:
        out.append(f"{query.name.ljust(width)}  {query.summary}")
        for param in query.parameters:
            default = f", default {param.default}" if param.default is not None else ", required"
            out.append(f"{'':{width}}    --param {param.name}=... ({param.type_text}{default})")
    return "\n".join(out) + "\n"


def catalogue_dict(catalogue: Sequence[SavedQuery]) -> list[dict[str, object]]:
    """The catalogue as JSON-ready data."""
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "parameters": [
                {
                    "name": p.name,
                    "variable": p.variable,
                    "type": p.type_text,
                    "default": p.default,
                }
                for p in q.parameters
            ],
            "ordered": q.prepared.ordered,
            "file": q.display,
        }
        for q in catalogue
    ]


def _article_iri(dataset: Dataset, text: str) -> URIRef | None:
    """An article graph named by its stem (``001-c4f...``) or number (``001``)."""
    if ":" in text:  # an IRI or a prefixed name: no stem holds a colon
        return None
    graphs = dataset_graphs(dataset)
    if "-" in text:  # a number holds no "-": only the stem itself can match
        iri = str(SRC) + text
        return next((g for g in graphs if str(g) == iri), None)
    stems = sorted(str(g)[len(str(SRC)) :] for g in graphs if str(g).startswith(str(SRC)))
    matches = [s for s in stems if text in (s, s.split("-", 1)[0])]
    return SRC[matches[0]] if len(matches) == 1 else None


_TZ = r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?"
_LEXICAL = {
    # datatypes whose lexical form rdflib does not check
    XSD.gYear: re.compile(rf"-?\d{{4,}}{_TZ}"),
    XSD.gYearMonth: re.compile(rf"-?\d{{4,}}-(?:0[1-9]|1[0-2]){_TZ}"),
}
LITERAL_DATATYPES = frozenset(
    URIRef(str(XSD) + name)
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


@contextmanager
def _quiet_rdflib_terms() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal; the check below reports it."""
    logger = logging.getLogger("rdflib.term")
    previous, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = previous


def _typed_literal(value: str, datatype: URIRef | None) -> Literal | None:
    """``value`` as a literal of ``datatype``, or ``None`` if it is not a valid one."""
    with _quiet_rdflib_terms():
        literal = Literal(value, datatype=datatype)
        if literal.ill_typed:
            return None
    pattern = _LEXICAL.get(datatype) if datatype is not None else None
    if pattern is not None and not pattern.fullmatch(value):
        return None
    return literal


def _bind_one(dataset: Dataset, param: Parameter, value: str, query_name: str) -> Node:
    if param.kind == "iri":
        article = _article_iri(dataset, value.strip())
        if article is not None:
            return article
        try:
            return resolve(dataset, value)
        except InputError as exc:
            raise InputError(f"parameter {param.name!r} of {query_name}: {exc}") from None
    literal = _typed_literal(value, param.datatype)
    if literal is None:
        raise InputError(
            f"parameter {param.name!r} of {query_name}: {value!r} is not a valid {param.type_text}"
        )
    return literal


def bind_parameters(
    dataset: Dataset, query: SavedQuery, given: Mapping[str, str] | None = None
) -> dict[str, Node]:
    """The RDF term of each parameter of ``query``: from ``given`` (name -> text),
    else from the header's defaults. Raises :class:`InputError` for an unknown
    parameter name, a missing value, or a value that names nothing."""
    given = dict(given or {})
    values: dict[str, str] = {}
    for name, value in given.items():
        param = query.parameter(name)
        if param is None:
            known = ", ".join(p.name for p in query.parameters) or "none"
            raise InputError(f"unknown parameter {name!r} for {query.name} (parameters: {known})")
        values[param.name] = value
    bound: dict[str, Node] = {}
    for param in query.parameters:
        value = values.get(param.name, param.default)
        if value is None:
            raise InputError(f"{query.name} needs a value for parameter {param.name!r}")
        bound[param.variable] = _bind_one(dataset, param, value, query.name)
    return bound


# --- running ---------------------------------------------------------------


def run_prepared(
    dataset: Dataset, prepared: PreparedQuery, bindings: Mapping[str, Node] | None = None
) -> Results:
    """Evaluate a checked query on ``dataset`` with variables pre-bound to terms."""
    import rdflib.plugins.sparql as rdflib_sparql

    init = {Variable(k): v for k, v in (bindings or {}).items()}
    # Belt and braces: even a FROM the guard let through must not fetch anything.
    previous = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        result = dataset.query(prepared.query, initBindings=init)
        if prepared.form == "ASK":
            return Results(boolean=bool(result.askAnswer))
        variables = tuple(str(v) for v in (result.vars or ()))
        rows = tuple(tuple(row) for row in result)
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = previous
    return Results(variables, rows, None, prepared.ordered)


def run_bound(dataset: Dataset, query: SavedQuery, bindings: Mapping[str, Node]) -> Results:
    """Run a saved query with its parameter variables bound (see :func:`bind_parameters`).

    ``dataset`` is an rdflib dataset (rdflib runs the query) or the fast engine's view of
    a pyoxigraph store (:class:`aiplus_kg.oxstore.GraphView`: pyoxigraph runs it)."""
    if query.prepared.dataset_clause:
        check_graphs(query.prepared, dataset_graphs(dataset))
    if not isinstance(dataset, Dataset):
        return _run_on_store(dataset, query, bindings)
    return run_prepared(dataset, parsed(query).prepared, bindings)


def _run_on_store(view: Any, query: SavedQuery, bindings: Mapping[str, Node]) -> Results:
    """Run a saved query, its text as it stands, on pyoxigraph; the default graph is the
    merge of the named graphs and parameters are pre-bound (SEP-0007)."""
    from aiplus_kg.oxstore import select

    answer = select(view.ds, query.text, bindings)
    if isinstance(answer, bool):
        return Results(boolean=answer)
    variables, rows = answer
    wanted = query.prepared.variables
    if wanted and wanted != variables and set(wanted) == set(variables):
        order = [variables.index(v) for v in wanted]
        rows = [tuple(row[i] for i in order) for row in rows]
        variables = wanted
    return Results(variables, tuple(rows), None, query.prepared.ordered)


@dataclass
class QueryRun:
    """A saved query's results, the terms its parameters were bound to, and where the
    labels of the result terms are looked up (an rdflib dataset, or a store's view)."""

    results: Results
    bindings: dict[str, Node]
    labels: Any


def run_project_query(
    project: Project,
    query: SavedQuery,
    given: Mapping[str, str] | None = None,
    *,
    engine: str | None = None,
) -> QueryRun:
    """Run a saved query on ``project``'s dataset with ``engine`` (default: the selected
    one). The fast engine reads the dataset from the cache while the files are
    unchanged, and runs the query on pyoxigraph; it hands the query to rdflib when the
    store could change a literal or when the query names graphs (``FROM``)."""
    from aiplus_kg.engines import use_fast

    loaded = None
    if use_fast(engine):
        from aiplus_kg.fast_store import project_store

        store = project_store(project)
        if store.ox.faithful and not query.prepared.dataset_clause:  # type: ignore[attr-defined]
            view = store.view
            bindings = bind_parameters(view, query, given)  # type: ignore[arg-type]
            return QueryRun(run_bound(view, query, bindings), bindings, view)  # type: ignore[arg-type]
        loaded = store.loaded
    if loaded is None:
        from aiplus_kg.load.dataset import load_project

        loaded = load_project(project)
    bindings = bind_parameters(loaded.dataset, query, given)
    return QueryRun(run_bound(loaded.dataset, query, bindings), bindings, loaded.dataset)


def run_saved(
    dataset: Dataset, query: SavedQuery, given: Mapping[str, str] | None = None
) -> Results:
    """Run a saved query with its parameters (``given``, else the defaults)."""
    return run_bound(dataset, query, bind_parameters(dataset, query, given))


def run_text(
    dataset: Dataset, text: str, *, display: str = "<query>", prefixes: bool = True
) -> Results:
    """Run an ad-hoc read-only query; the project prefixes are predeclared unless
    ``prefixes`` is false. Refused forms raise :class:`InputError`."""
    prepared = prepare(
        text,
        dataset_graphs(dataset),
        display=display,
        prefixes=dict(PREFIXES) if prefixes else None,
    )
    return run_prepared(dataset, prepared)
