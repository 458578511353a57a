"""Read-only SPARQL: parse a query and refuse what could change data or reach outside.

A query given to ``aiplus`` may only read the project's dataset. :func:`prepare`
parses the text with rdflib and inspects the result, never the raw text:

* an update request (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``,
  ``CREATE``, ``ADD``, ``MOVE``, ``COPY``) is refused;
* a ``SERVICE`` pattern anywhere in the algebra, subqueries included, is refused;
* ``FROM`` and ``FROM NAMED`` may only name one of the dataset's own graphs (rdflib
  would otherwise fetch any other IRI from the network or the file system);
* ``CONSTRUCT`` and ``DESCRIBE`` are refused: ``aiplus`` writes variable bindings
  and booleans only;
* brackets (``(``, ``{`` and ``[`` together) may nest :data:`MAX_NESTING` deep at
  most: rdflib's parser (pyparsing) recurses some 40 Python frames for each level and
  would hit Python's recursion limit near 20.

Every refusal is an :class:`~aiplus_kg.errors.InputError` (exit code 2) naming what
was refused.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef, Variable

from aiplus_kg.errors import InputError, located
from aiplus_kg.load.terms import graph_name

if TYPE_CHECKING:  # rdflib's SPARQL parser is imported when a query is parsed
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "MAX_NESTING",
    "PreparedQuery",
    "QueryRefusedError",
    "check_graphs",
    "check_nesting",
    "prepare",
    "walk",
]

MAX_NESTING = 16
"""How deep brackets (``(``, ``{`` and ``[`` together) may nest in a query. The
project's own queries nest 7 deep at most; at 16, rdflib parses the deepest kind (a
function call in a function call...) with some 200 frames of Python's 1000 to spare
for its caller."""

UPDATE_KEYWORDS = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}

FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryRefusedError(InputError):
    """A query that parses but is not allowed (exit code 2)."""


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, checked query ready for :meth:`rdflib.graph.Graph.query` (``query`` is
    ``None`` for the checks of a saved query read back from the cache)."""

    query: Query | None
    form: str  # "SELECT" or "ASK"
    variables: tuple[str, ...]  # projected variables, in order (SELECT)
    mentioned: frozenset[str]  # every variable the query mentions
    ordered: bool  # whether the solutions are ordered (ORDER BY)
    dataset_clause: tuple[tuple[str, URIRef], ...] = ()  # ("FROM" | "FROM NAMED", iri)
    display: str = "<query>"


def walk(node: object) -> Iterator[object]:
    """Every node under ``node`` in an rdflib parse tree or algebra, ``node`` included."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, CompValue | Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


_LOCATION = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)\s*$")


def _syntax_error(exc: ParseException, display: str) -> InputError:
    message = _LOCATION.sub("", str(exc)) or "unexpected text"
    return InputError(
        located(display, f"SPARQL syntax error: {message} (column {exc.col})", exc.lineno)
    )


_OPENING = {"open", "lparen"}
_CLOSING = {"close", "rparen"}


def check_nesting(text: str, display: str = "<query>") -> None:
    """Refuse ``text`` (an :class:`InputError` at ``display:line``) when its brackets
    nest deeper than :data:`MAX_NESTING`; strings, IRIs and comments do not count."""
    from aiplus_kg.query.tokens import tokens

    depth = 0
    for kind, start, _ in tokens(text):
        if kind in _OPENING or (kind == "other" and text[start] == "["):
            depth += 1
            if depth > MAX_NESTING:
                line_start = text.rfind("\n", 0, start) + 1
                message = (
                    f"the query nests brackets more than {MAX_NESTING} deep (column "
                    f"{start - line_start + 1}); at most {MAX_NESTING} levels of (, {{ and [ "
                    "are allowed"
                )
                # a malformed request (400 from serve), not a refused query form (403)
                raise InputError(located(display, message, text.count("\n", 0, start) + 1))
        elif kind in _CLOSING or (kind == "other" and text[start] == "]"):
            depth = max(depth - 1, 0)


def _too_deep(display: str) -> InputError:
    """What a query the parser recursed too deeply on is (a backstop for
    :func:`check_nesting`: the caller's own frames count too)."""
    return InputError(located(display, "the query nests too deeply for the SPARQL parser"))


def _refuse_update(text: str, display: str) -> None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except ParseException:
        return
    except RecursionError:
        raise _too_deep(display) from None
    kinds = []
    for request in parsed.request:
        keyword = UPDATE_KEYWORDS.get(request.name, request.name)
        if keyword not in kinds:
            kinds.append(keyword)
    raise QueryRefusedError(
        located(display, f"refused: {', '.join(kinds)} is an update; only queries are allowed")
    )


def _is_ordered(algebra: CompValue) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    node: object = algebra.p
    while isinstance(node, CompValue):
        if node.name == "OrderBy":
            return True
        if node.name not in ("Project", "Distinct", "Reduced", "Slice"):
            return False
        node = node.p
    return False


def _allowed_text(allowed: Collection[URIRef]) -> str:
    names = sorted({graph_name(g) for g in allowed})
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    return f"only the dataset's own graphs may be named ({shown})"


def prepare(
    text: str,
    allowed_graphs: Collection[URIRef] | None,
    *,
    display: str = "<query>",
    prefixes: Mapping[str, str] | None = None,
) -> PreparedQuery:
    """Parse ``text`` and check that it is a read-only ``SELECT`` or ``ASK`` query
    over ``allowed_graphs``; ``prefixes`` are declared for it beforehand.

    ``allowed_graphs=None`` skips the check of ``FROM`` and ``FROM NAMED`` (for a
    query that is checked again, against a dataset, before it runs).

    Raises :class:`InputError` for a syntax error (located at ``display:line``) and
    :class:`QueryRefusedError` for a refused form, or brackets nested too deep.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    check_nesting(text, display)
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        _refuse_update(text, display)
        raise _syntax_error(exc, display) from None
    except RecursionError:
        raise _too_deep(display) from None
    try:
        query = translateQuery(parsed, initNs=dict(prefixes or {}))
    except RecursionError:
        raise _too_deep(display) from None
    except Exception as exc:  # rdflib raises assorted types (unknown prefix, ...)
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(located(display, f"invalid query: {detail}")) from None

    algebra = query.algebra
    form = FORMS.get(algebra.name, algebra.name)
    if form not in ("SELECT", "ASK"):
        raise QueryRefusedError(
            located(display, f"refused: {form} queries are not supported; use SELECT or ASK")
        )

    dataset_clause = tuple(
        ("FROM", clause.default) if clause.default is not None else ("FROM NAMED", clause.named)
        for clause in algebra.datasetClause or ()
    )

    mentioned: set[str] = set()
    for node in walk(algebra):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRefusedError(
                located(
                    display,
                    f"refused: SERVICE {node.term.n3()}: queries must not reach other endpoints",
                )
            )
        if isinstance(node, Variable):
            mentioned.add(str(node))

    variables = tuple(str(v) for v in algebra.get("PV") or ()) if form == "SELECT" else ()
    prepared = PreparedQuery(
        query=query,
        form=form,
        variables=variables,
        mentioned=frozenset(mentioned),
        ordered=_is_ordered(algebra),
        dataset_clause=dataset_clause,
        display=display,
    )
    if allowed_graphs is not None:
        check_graphs(prepared, allowed_graphs)
    return prepared


def check_graphs(prepared: PreparedQuery, allowed_graphs: Collection[URIRef]) -> None:
    """Refuse a ``FROM`` or ``FROM NAMED`` of ``prepared`` outside ``allowed_graphs``."""
    for keyword, iri in prepared.dataset_clause:
        if iri not in allowed_graphs:
            raise QueryRefusedError(
                located(
                    prepared.display,
                    f"refused: {keyword} <{iri}>: {_allowed_text(allowed_graphs)}",
                )
            )
