"""Saved SPARQL queries: the catalogue under ``queries/``.

Each ``queries/<name>.rq`` (``name`` in kebab-case) opens with a grlc-style header,
lines starting with ``#+`` in a small YAML subset::

    #+ summary: One line saying what the query answers
    #+ description: A longer text; continuation lines are indented
    #+   further and folded into one line.
    #+ tags:
    #+   - chips
    #+ defaults:
    #+   - chip: id:ascend-910b
    #+ classes:
    #+   - chip: aip:Chip

Keys are ``summary`` and ``description`` (text), ``tags`` (a list of words),
``defaults`` (a list of ``name: value`` pairs: a parameter's value when none is given)
and ``classes`` (a list of ``name: class`` pairs: the class an IRI parameter's value
must belong to, as a prefixed name with a project prefix or an ``<IRI>``; a value of
another class is refused, naming the closest entities of the class). Values may be
quoted with ``"`` or ``'``. Anything else is an error naming the file and the line.
The query itself is parsed and checked by :mod:`aiplus_kg.query.guard`; its
parameters are described in :mod:`aiplus_kg.query.parameters`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.terms import iri_problem
from aiplus_kg.namespaces import curie, expand_curie
from aiplus_kg.project import Project, display_path
from aiplus_kg.query.parameters import Parameter, find_parameters
from aiplus_kg.views.terminal import printable

if TYPE_CHECKING:  # the SPARQL parser is imported when a query is parsed, not before
    from aiplus_kg.load.cache import Cache
    from aiplus_kg.query.guard import PreparedQuery

__all__ = [
    "HEADER_KEYS",
    "Header",
    "SavedQuery",
    "catalogue_dict",
    "find_query",
    "load_catalogue",
    "load_named",
    "load_query",
    "parse_header",
    "parsed",
    "render_catalogue",
]

HEADER_KEYS = ("summary", "description", "tags", "defaults", "classes")
TEXT_KEYS = ("summary", "description")
NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADER_LINE = re.compile(r"#\+(?P<rest>.*)")
_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:\s+(?P<value>.*))?")


@dataclass(frozen=True)
class Header:
    """The ``#+`` header of a saved query."""

    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str, int], ...] = ()  # (name, value, line)
    classes: tuple[tuple[str, str, int], ...] = ()  # (name, class, line)


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
            what = "default" if key == "defaults" else "class"
            raise self.error(f"{what} for {name!r} given twice", number)
        value = _unquote(pair.group("value"), self.display, number)[0]
        self.lists[key].append((name, value, number))

    def header(self) -> Header:
        return Header(
            summary=self.scalars.get("summary", ""),
            description=self.scalars.get("description", ""),
            tags=tuple(tag for tag, _, _ in self.lists.get("tags", [])),
            defaults=tuple(self.lists.get("defaults", [])),
            classes=tuple(self.lists.get("classes", [])),
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


def _query_record(query: SavedQuery) -> dict[str, object]:
    """What :func:`load_query` found, as JSON-ready data for the cache."""
    prepared = query.prepared
    return {
        "header": {
            "summary": query.header.summary,
            "description": query.header.description,
            "tags": list(query.header.tags),
            "defaults": [list(item) for item in query.header.defaults],
            "classes": [list(item) for item in query.header.classes],
        },
        "parameters": [
            [
                p.name,
                p.variable,
                p.kind,
                str(p.datatype) if p.datatype else None,
                p.default,
                str(p.class_iri) if p.class_iri else None,
            ]
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
    """The query :func:`_query_record` describes, without its parse (see :func:`parsed`)."""
    from aiplus_kg.query.guard import PreparedQuery

    head = record["header"]
    header = Header(
        summary=head["summary"],
        description=head["description"],
        tags=tuple(head["tags"]),
        defaults=tuple((n, v, int(line)) for n, v, line in head["defaults"]),
        classes=tuple((n, v, int(line)) for n, v, line in head["classes"]),
    )
    parameters = tuple(
        Parameter(
            name,
            variable,
            kind,
            URIRef(datatype) if datatype else None,
            default,
            URIRef(cls) if cls else None,
        )
        for name, variable, kind, datatype, default, cls in record["parameters"]
    )
    prepared = PreparedQuery(
        query=None,
        form=record["form"],
        variables=tuple(record["variables"]),
        mentioned=frozenset(record["mentioned"]),
        ordered=bool(record["ordered"]),
        dataset_clause=tuple((kind, URIRef(iri)) for kind, iri in record["dataset_clause"]),
        display=display,
    )
    return SavedQuery(path.stem, path, display, text, header, parameters, prepared)


def _load_query_cached(path: Path, root: Path, cache: Cache) -> SavedQuery:
    """:func:`load_query`, its checks read back from ``cache`` when the file is unchanged:
    parsing SPARQL with rdflib costs more than the rest of a small query's run."""
    from aiplus_kg.load.cache import digest

    key = digest([path], root=root, salt="saved query")
    record = cache.read_json("queries", key)
    if record is not None:
        try:
            text = path.read_text(encoding="utf-8")
            return _query_from_record(record, path, display_path(path, root), text)
        except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError):
            pass
    query = load_query(path, root=root)
    cache.write_json("queries", key, _query_record(query))
    return query


def parsed(query: SavedQuery) -> SavedQuery:
    """``query`` with its rdflib parse (a query read back from the cache has none)."""
    if query.prepared.query is not None:
        return query
    from aiplus_kg.query.guard import prepare

    return replace(query, prepared=prepare(query.text, None, display=query.display))


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
    from aiplus_kg.query.guard import prepare

    prepared = prepare(text, None, display=display)
    parameters = find_parameters(prepared.mentioned, prepared.variables, header.defaults, display)
    parameters = _with_classes(parameters, header.classes, display)
    return SavedQuery(name, path, display, text, header, parameters, prepared)


def _class_iri(text: str, display: str, line: int) -> URIRef:
    """A class of the ``classes`` header: ``<IRI>`` or a prefixed name with a project
    prefix."""
    bracketed = text.startswith("<") and text.endswith(">")
    iri = URIRef(text[1:-1]) if bracketed else expand_curie(text)
    if iri is None or iri_problem(iri) is not None:
        message = f"{text!r} is not a class: write a prefixed name (aip:Chip) or an <IRI>"
        raise InputError(located(display, message, line))
    return iri


def _with_classes(
    parameters: tuple[Parameter, ...], classes: Sequence[tuple[str, str, int]], display: str
) -> tuple[Parameter, ...]:
    """``parameters``, each IRI parameter with the class the header gives it; a class
    for no parameter, or for one that is not an IRI, is an :class:`InputError`."""
    by_name = {p.name: p for p in parameters}
    for name, text, line in classes:
        param = by_name.get(name)
        if param is None:
            known = ", ".join(by_name) or "none"
            message = f"class for unknown parameter {name!r} (parameters: {known})"
            raise InputError(located(display, message, line))
        if param.kind != "iri":
            message = f"parameter {name!r} is a {param.type_text}: only an IRI has a class"
            raise InputError(located(display, message, line))
        by_name[name] = replace(param, class_iri=_class_iri(text, display, line))
    return tuple(by_name[p.name] for p in parameters)


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


def load_named(project: Project, name: str, cache: Cache | None = None) -> SavedQuery:
    """Load only ``queries/<name>.rq`` of ``project`` (its checks read back from
    ``cache`` when the file is unchanged); an unknown name lists the closest ones."""
    folder = project.queries_dir
    names = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
    if name not in names:
        raise _unknown_query(name, names)
    path = folder / f"{name}.rq"
    if cache is None:
        return load_query(path, root=project.root)
    return _load_query_cached(path, project.root, cache)


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
    return printable("\n".join(out) + "\n")


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
                | ({"class": curie(str(p.class_iri))} if p.class_iri else {})
                for p in q.parameters
            ],
            "ordered": q.prepared.ordered,
            "file": q.display,
        }
        for q in catalogue
    ]
